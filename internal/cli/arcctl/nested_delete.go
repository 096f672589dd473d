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
	"fmt"

	"github.com/spf13/cobra"
)

// nestedDeleteOptions are the flags of a delete command of a nested resource.
type nestedDeleteOptions struct {
	ref   extensionRef
	force bool
	yes   bool
	wait  waitFlags
}

// addFlags adds --force and --yes; forceUsage says what --force does.
func (o *nestedDeleteOptions) addFlags(cmd *cobra.Command, forceUsage string) {
	cmd.Flags().BoolVar(&o.force, "force", false, forceUsage)
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
}

// nestedDeleteCommand makes cmd, which has the Short, Long and Example of kind's delete
// command, that command; forceUsage says what --force does, waitFor what --no-wait does not
// wait for.
func nestedDeleteCommand[T any](k *extensionCommands, kind nestedKind[T], cmd *cobra.Command, forceUsage, waitFor string) *cobra.Command {
	var o nestedDeleteOptions
	cmd.Use = "delete -c CLUSTER -g GROUP -n NAME [--force] [--yes] [--no-wait]"
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return deleteNested(k, cmd, kind, o) }
	o.ref.addFlagsNaming(cmd, kind.noun)
	o.addFlags(cmd, forceUsage)
	o.wait.addFlagsAs(cmd, kind.timeoutFlag, waitFor)
	return cmd
}

// deleteNested deletes a nested resource on the hub after asking for confirmation, then
// waits, unless told not to, until the agent has removed it.
func deleteNested[T any](k *extensionCommands, cmd *cobra.Command, kind nestedKind[T], o nestedDeleteOptions) error {
	client, cluster, err := k.resolve(o.ref)
	if err != nil {
		return err
	}
	if !o.yes {
		ok, err := k.confirm(fmt.Sprintf("Delete %s '%s' of connected cluster '%s' in resource group '%s'?",
			kind.noun, o.ref.name, cluster.Name, cluster.ResourceGroup))
		if err != nil || !ok {
			return err
		}
	}
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	p := progress{w: k.streams.Err}
	existed := false
	if err := p.step(fmt.Sprintf("Deleting %s '%s' on the hub", kind.noun, o.ref.name), func() (string, error) {
		var err error
		existed, err = kind.delete(client, ctx, cluster, o.ref.name, o.force)
		return goneUnless(existed, err)
	}); err != nil {
		return fmt.Errorf("deleting %s '%s': %w", kind.noun, o.ref.name, err)
	}
	switch {
	case !existed:
		fmt.Fprintf(out, "%s '%s' of connected cluster '%s' does not exist; nothing to delete.\n", kind.title, o.ref.name, cluster.Name)
		return nil
	case o.force && kind.forceIsDone:
	case o.wait.noWait:
		fmt.Fprintf(out, "%s '%s' of connected cluster '%s' is being deleted; the agent %s.\n", kind.title, o.ref.name, cluster.Name, kind.removes)
		return nil
	default:
		watch := &nestedWatch[T]{kind: kind, hub: client, cluster: cluster, name: o.ref.name, w: k.streams.Err}
		if err := watch.untilDeleted(ctx, o.wait.timeout, kind.removing); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "Deleted %s '%s' of connected cluster '%s' in resource group '%s'.\n", kind.noun, o.ref.name, cluster.Name, cluster.ResourceGroup)
	return nil
}
