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
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

func (w *workspaceCommands) showCommand() *cobra.Command {
	var ref workspaceRef
	cmd := &cobra.Command{
		Use:   "show -n NAME -g GROUP",
		Short: "Show a monitoring workspace (never its token)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := w.resolve(ref)
			if err != nil {
				return err
			}
			res, err := client.GetResource(cmd.Context(), id, workspaceAPIVersion)
			if err != nil {
				return fmt.Errorf("showing workspace '%s': %w", ref.name, err)
			}
			return w.output.print(cmd.OutOrStdout(), res, func(out io.Writer) error { return writeWorkspaceDetails(out, res) })
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (w *workspaceCommands) listCommand() *cobra.Command {
	var group string
	cmd := &cobra.Command{
		Use:   "list [-g GROUP]",
		Short: "List the monitoring workspaces of the subscription or of one resource group",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, sub, err := w.clusterSession()
			if err != nil {
				return err
			}
			scope := "/subscriptions/" + sub
			if group != "" {
				scope += "/resourceGroups/" + group
			}
			all, err := allPages(cmd.Context(), client.ListResources(scope+"/providers/"+workspaceType, workspaceAPIVersion),
				func(p armclient.ResourcePage) []*armclient.Resource { return p.Value })
			if err != nil {
				return fmt.Errorf("listing workspaces: %w", err)
			}
			if len(all) == 0 && w.output == outputTable {
				fmt.Fprintln(w.streams.Err, "No workspaces found.")
				return nil
			}
			return w.output.print(cmd.OutOrStdout(), all, func(out io.Writer) error { return writeWorkspaceTable(out, all) })
		},
	}
	cmd.Flags().StringVarP(&group, "resource-group", "g", "", "list only this resource group")
	return cmd
}

func (w *workspaceCommands) deleteCommand() *cobra.Command {
	var (
		ref workspaceRef
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "delete -n NAME -g GROUP [--yes]",
		Short: "Delete a monitoring workspace",
		Long: "Delete a monitoring workspace. The hub refuses while extensions are bound to it, and names them.\n" +
			"Asks for confirmation unless --yes is given.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := w.resolve(ref)
			if err != nil {
				return err
			}
			if !yes {
				ok, err := w.confirm(fmt.Sprintf("Delete workspace '%s' in resource group '%s'?", ref.name, ref.group))
				if err != nil || !ok {
					return err
				}
			}
			deleted, err := client.DeleteResource(cmd.Context(), id, workspaceAPIVersion)
			if err != nil {
				return fmt.Errorf("deleting workspace '%s': %w", ref.name, err)
			}
			if !deleted {
				fmt.Fprintf(cmd.OutOrStdout(), "Workspace '%s' in resource group '%s' does not exist; nothing to delete.\n", ref.name, ref.group)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Workspace '%s' deleted.\n", ref.name)
			return nil
		},
	}
	ref.addFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// workspaceProps are a workspace's properties as the hub shows them.
type workspaceProps struct {
	OTLPEndpoint             string `json:"otlpEndpoint"`
	PrometheusRemoteWriteURL string `json:"prometheusRemoteWriteUrl"`
	Credentials              struct {
		BearerTokenSet bool `json:"bearerTokenSet"`
	} `json:"credentials"`
}

// propsOf reads a workspace's properties; empty when they do not decode.
func propsOf(res *armclient.Resource) workspaceProps {
	var p workspaceProps
	_ = json.Unmarshal(res.Properties, &p)
	return p
}

// tokenSet says whether a workspace has a bearer token.
func tokenSet(p workspaceProps) string {
	if p.Credentials.BearerTokenSet {
		return "set"
	}
	return "none"
}

// writeWorkspaceDetails writes one workspace for people.
func writeWorkspaceDetails(w io.Writer, res *armclient.Resource) error {
	p := propsOf(res)
	return writeDetails(w, []detailRow{
		{"Name", res.Name},
		{"ID", res.ID},
		{"Location", res.Location},
		{"OTLP endpoint", p.OTLPEndpoint},
		{"Prometheus remote write", p.PrometheusRemoteWriteURL},
		{"Bearer token", tokenSet(p)},
		{"Tags", tags(res.Tags)},
	})
}

// writeWorkspaceTable writes workspaces, one a row.
func writeWorkspaceTable(w io.Writer, all []*armclient.Resource) error {
	tw := newTable(w, "NAME\tRESOURCE GROUP\tOTLP ENDPOINT\tREMOTE WRITE\tTOKEN")
	for _, res := range all {
		p := propsOf(res)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.Name, orDash(groupOfResource(res.ID)), p.OTLPEndpoint, orDash(p.PrometheusRemoteWriteURL), tokenSet(p))
	}
	return tw.Flush()
}
