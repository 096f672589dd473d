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
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

func (k *extensionCommands) extensionTypesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "extension-types",
		Short: "Show the extension types of the hub's catalog and their versions",
	}
	cmd.AddCommand(k.listTypesCommand(), k.listTypeVersionsCommand())
	return cmd
}

func (k *extensionCommands) listTypesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the extension types the hub can install",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			types, err := fromHub(k.app, cmd, "listing extension types", (*armclient.Client).ListExtensionTypes)
			if err != nil {
				return err
			}
			return k.output.print(cmd.OutOrStdout(), types, func(w io.Writer) error { return writeTypesTable(w, types) })
		},
	}
}

func (k *extensionCommands) listTypeVersionsCommand() *cobra.Command {
	var extensionType, train string
	cmd := &cobra.Command{
		Use:   "list-versions --extension-type TYPE [--release-train TRAIN]",
		Short: "List the versions of an extension type, per release train, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			trains, err := fromHub(k.app, cmd, "listing the versions of "+extensionType,
				func(client *armclient.Client, ctx context.Context) ([]armclient.ReleaseTrain, error) {
					return client.ListExtensionTypeVersions(ctx, extensionType)
				})
			if err != nil {
				return err
			}
			if trains, err = onTrain(trains, train); err != nil {
				return err
			}
			return k.output.print(cmd.OutOrStdout(), trains, func(w io.Writer) error { return writeVersionsTable(w, trains) })
		},
	}
	cmd.Flags().StringVar(&extensionType, "extension-type", "", "extension type, as 'extension-types list' shows")
	cmd.Flags().StringVar(&train, "release-train", "", "show this release train only")
	_ = cmd.MarkFlagRequired("extension-type")
	return cmd
}

// onTrain keeps the release train named train (any case), or all when train is empty.
func onTrain(trains []armclient.ReleaseTrain, train string) ([]armclient.ReleaseTrain, error) {
	if train == "" {
		return trains, nil
	}
	names := make([]string, 0, len(trains))
	for _, t := range trains {
		if strings.EqualFold(t.Name, train) {
			return []armclient.ReleaseTrain{t}, nil
		}
		names = append(names, t.Name)
	}
	return nil, fmt.Errorf("the release train '%s' does not exist; valid release trains are: %s", train, strings.Join(names, ", "))
}

func writeTypesTable(w io.Writer, types []armclient.ExtensionType) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tALIASES\tSCOPE\tNAMESPACE\tRELEASE TRAINS\tDESCRIPTION")
	for _, t := range types {
		trains := make([]string, 0, len(t.ReleaseTrains))
		for _, tr := range t.ReleaseTrains {
			newest := ""
			if len(tr.Versions) > 0 {
				newest = " " + tr.Versions[0].Version
			}
			trains = append(trains, tr.Name+newest)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, orDash(strings.Join(t.Aliases, ",")), orDash(t.DefaultScope),
			orDash(t.DefaultReleaseNamespace), orDash(strings.Join(trains, ", ")), orDash(t.Description))
	}
	return tw.Flush()
}

func writeVersionsTable(w io.Writer, trains []armclient.ReleaseTrain) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "RELEASE TRAIN\tVERSION\tCHART")
	for _, t := range trains {
		for _, v := range t.Versions {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, v.Version, chartText(v.Chart))
		}
	}
	return tw.Flush()
}

// chartText shows a chart as repository/name:version, or repository name version for HTTP
// repositories, whose chart is not a path.
func chartText(c armclient.Chart) string {
	if strings.HasPrefix(c.Repository, "oci://") {
		return strings.TrimSuffix(c.Repository, "/") + "/" + c.Name + ":" + c.Version
	}
	return joinNonEmpty(" ", c.Repository, c.Name, c.Version)
}
