// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package arcctl

import (
	"context"
	"fmt"
	"io"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/spf13/cobra"
)

// nestedShowCommand is the show command of kind; short is its one-line help.
func nestedShowCommand[T any](k *extensionCommands, kind nestedKind[T], short string) *cobra.Command {
	var ref extensionRef
	cmd := &cobra.Command{
		Use:   "show -c CLUSTER -g GROUP -n NAME",
		Short: short,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return showNested(k, cmd, kind, ref) },
	}
	ref.addFlagsNaming(cmd, kind.noun)
	return cmd
}

// nestedListCommand is the list command of kind.
func nestedListCommand[T any](k *extensionCommands, kind nestedKind[T]) *cobra.Command {
	var ref extensionRef
	cmd := &cobra.Command{
		Use:   "list -c CLUSTER -g GROUP",
		Short: "List the " + kind.nouns + " of a connected cluster",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return listNested(k, cmd, kind, ref) },
	}
	ref.addClusterFlags(cmd)
	return cmd
}

// showNested prints one nested resource, in the output format asked for.
func showNested[T any](k *extensionCommands, cmd *cobra.Command, kind nestedKind[T], ref extensionRef) error {
	client, cluster, err := k.resolve(ref)
	if err != nil {
		return err
	}
	obj, err := kind.get(client, cmd.Context(), cluster, ref.name)
	if err != nil {
		return fmt.Errorf("showing %s '%s': %w", kind.noun, ref.name, err)
	}
	return k.output.print(cmd.OutOrStdout(), obj, func(w io.Writer) error { return kind.details(w, obj) })
}

// listNested prints the nested resources of a cluster, in the output format asked for; a
// table of none is a line on stderr.
func listNested[T any](k *extensionCommands, cmd *cobra.Command, kind nestedKind[T], ref extensionRef) error {
	client, cluster, err := k.resolve(ref)
	if err != nil {
		return err
	}
	objs, err := kind.list(cmd.Context(), client, cluster)
	if err != nil {
		return fmt.Errorf("listing the %s of %s: %w", kind.nouns, cluster.Name, err)
	}
	if len(objs) == 0 && k.output == outputTable {
		fmt.Fprintf(k.streams.Err, "Connected cluster '%s' has no %s.\n", cluster.Name, kind.nouns)
		return nil
	}
	return k.output.print(cmd.OutOrStdout(), objs, func(w io.Writer) error { return kind.table(w, objs) })
}

// allPages collects the items of every page of pager; items returns those of one page.
func allPages[L, T any](ctx context.Context, pager *runtime.Pager[L], items func(L) []*T) ([]*T, error) {
	all := []*T{}
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, items(page)...)
	}
	return all, nil
}
