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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

func (r *resourceCommands) showCommand() *cobra.Command {
	var ref resourceRef
	cmd := &cobra.Command{
		Use:   "show (--id ID | --resource-type TYPE -n NAME -g GROUP)",
		Short: "Show a resource",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := r.resolve(ref)
			if err != nil {
				return err
			}
			res, err := client.GetResource(cmd.Context(), id.String(), r.apiVersion)
			if err != nil {
				return fmt.Errorf("showing %s: %w", id, err)
			}
			return r.output.print(cmd.OutOrStdout(), res, func(w io.Writer) error { return writeResourceDetails(w, res) })
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (r *resourceCommands) listCommand() *cobra.Command {
	var kind, group string
	cmd := &cobra.Command{
		Use:   "list --resource-type TYPE [-g GROUP]",
		Short: "List the resources of a type in the subscription or in one resource group",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkResourceType(kind); err != nil {
				return err
			}
			client, sub, err := r.clusterSession()
			if err != nil {
				return err
			}
			scope, err := groupScope(sub, group)
			if err != nil {
				return err
			}
			all, err := allPages(cmd.Context(), client.ListResources(scope+"/providers/"+kind, r.apiVersion),
				func(p armclient.ResourcePage) []*armclient.Resource { return p.Value })
			if err != nil {
				return fmt.Errorf("listing %s: %w", kind, err)
			}
			if len(all) == 0 && r.output == outputTable {
				fmt.Fprintf(r.streams.Err, "No %s found.\n", kind)
				return nil
			}
			return r.output.print(cmd.OutOrStdout(), all, func(w io.Writer) error { return writeResourceTable(w, all) })
		},
	}
	cmd.Flags().StringVar(&kind, "resource-type", "", "type of the resources, e.g. Microsoft.KubearcSamples/widgets")
	cmd.Flags().StringVarP(&group, "resource-group", "g", "", "list only this resource group")
	_ = cmd.MarkFlagRequired("resource-type")
	return cmd
}

func (r *resourceCommands) deleteCommand() *cobra.Command {
	var ref resourceRef
	var yes bool
	var wait waitFlags
	cmd := &cobra.Command{
		Use:   "delete (--id ID | --resource-type TYPE -n NAME -g GROUP) [--yes] [--no-wait]",
		Short: "Delete a resource",
		Long: "Delete a resource, then wait until the hub no longer has it (for a resource on a custom\n" +
			"location: until its custom resource is gone from the cluster), unless --no-wait.\n" +
			"Asks for confirmation unless --yes is given.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := r.resolve(ref)
			if err != nil {
				return err
			}
			if !yes {
				ok, err := r.confirm(fmt.Sprintf("Delete %s?", id))
				if err != nil || !ok {
					return err
				}
			}
			existed, err := client.DeleteResource(cmd.Context(), id.String(), r.apiVersion)
			switch {
			case err != nil:
				return fmt.Errorf("deleting %s: %w", id, err)
			case !existed:
				fmt.Fprintf(cmd.OutOrStdout(), "Resource %s does not exist; nothing to delete.\n", id)
				return nil
			case !wait.noWait:
				watch := &nestedWatch[armclient.Resource]{kind: r.resourceKind(id), hub: client, name: id.Name, w: r.streams.Err}
				if err := watch.untilDeleted(cmd.Context(), wait.timeout, "remove"); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s.\n", id)
			return nil
		},
	}
	ref.addFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	wait.addFlags(cmd, "remove the resource")
	return cmd
}

// writeResourceDetails writes one resource for people.
func writeResourceDetails(w io.Writer, res *armclient.Resource) error {
	state := res.State()
	location := ""
	if res.ExtendedLocation != nil {
		location = res.ExtendedLocation.Name
	}
	return writeDetails(w, []detailRow{
		{"Name", res.Name},
		{"ID", res.ID},
		{"Type", res.Type},
		{"Location", res.Location},
		{"Custom location", location},
		{"Provisioning state", state.ProvisioningState},
		{"Provisioning error", state.ProvisioningError},
		{"Status", compactJSON(state.Status)},
		{"Tags", tags(res.Tags)},
	})
}

// writeResourceTable writes resources, one a row.
func writeResourceTable(w io.Writer, all []*armclient.Resource) error {
	tw := newTable(w, "NAME\tRESOURCE GROUP\tCUSTOM LOCATION\tSTATE")
	for _, res := range all {
		location := ""
		if res.ExtendedLocation != nil {
			location = lastSegment(res.ExtendedLocation.Name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", res.Name, orDash(groupOfResource(res.ID)), orDash(location), orDash(res.State().ProvisioningState))
	}
	return tw.Flush()
}

// compactJSON shows a JSON value on one line; nothing for none or null.
func compactJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return jsonText(v)
}

// groupOfResource is the resource group of any resource's ID, "" when it names none.
func groupOfResource(id string) string {
	parsed, err := arm.ParseResourceID(id)
	if err != nil {
		return ""
	}
	return parsed.ResourceGroupName
}
