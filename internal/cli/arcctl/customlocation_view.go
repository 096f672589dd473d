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
	"io"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
	"github.com/spf13/cobra"
)

func (l *locationCommands) showCommand() *cobra.Command {
	var ref locationRef
	cmd := &cobra.Command{
		Use:   "show -n NAME -g GROUP",
		Short: "Show a custom location",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := l.resolve(ref)
			if err != nil {
				return err
			}
			loc, err := client.GetCustomLocation(cmd.Context(), id)
			if err != nil {
				return fmt.Errorf("showing custom location '%s': %w", id.Name, err)
			}
			return l.output.print(cmd.OutOrStdout(), loc, func(w io.Writer) error { return writeLocationDetails(w, loc) })
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (l *locationCommands) listCommand() *cobra.Command {
	var group string
	cmd := &cobra.Command{
		Use:   "list [-g GROUP]",
		Short: "List the custom locations of the subscription or of one resource group",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, sub, err := l.clusterSession()
			if err != nil {
				return err
			}
			locs, err := allPages(cmd.Context(), client.ListCustomLocations(sub, group),
				func(p armextendedlocation.CustomLocationListResult) []*armextendedlocation.CustomLocation {
					return p.Value
				})
			if err != nil {
				return fmt.Errorf("listing custom locations: %w", err)
			}
			if len(locs) == 0 && l.output == outputTable {
				fmt.Fprintln(l.streams.Err, "No custom locations found.")
				return nil
			}
			return l.output.print(cmd.OutOrStdout(), locs, func(w io.Writer) error { return writeLocationTable(w, locs) })
		},
	}
	cmd.Flags().StringVarP(&group, "resource-group", "g", "", "list only this resource group")
	return cmd
}

func (l *locationCommands) enabledTypesCommand() *cobra.Command {
	var ref locationRef
	cmd := &cobra.Command{
		Use:   "list-enabled-resource-types -n NAME -g GROUP",
		Short: "List the resource types a custom location's cluster extensions serve",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := l.resolve(ref)
			if err != nil {
				return err
			}
			types, err := allPages(cmd.Context(), client.ListEnabledResourceTypes(id),
				func(p armextendedlocation.EnabledResourceTypesListResult) []*armextendedlocation.EnabledResourceType {
					return p.Value
				})
			if err != nil {
				return fmt.Errorf("listing the enabled resource types of custom location '%s': %w", id.Name, err)
			}
			if len(types) == 0 && l.output == outputTable {
				fmt.Fprintf(l.streams.Err, "Custom location '%s' has no enabled resource types: its cluster extensions declare none.\n", id.Name)
				return nil
			}
			return l.output.print(cmd.OutOrStdout(), types, func(w io.Writer) error { return writeEnabledTypes(w, types) })
		},
	}
	ref.addFlags(cmd)
	return cmd
}

// locationProps are a location's properties, empty when it has none.
func locationProps(loc *armextendedlocation.CustomLocation) armextendedlocation.CustomLocationProperties {
	return val(loc.Properties)
}

// writeLocationDetails writes one custom location for people.
func writeLocationDetails(w io.Writer, loc *armextendedlocation.CustomLocation) error {
	p := locationProps(loc)
	return writeDetails(w, []detailRow{
		{"Name", val(loc.Name)},
		{"ID", val(loc.ID)},
		{"Location", val(loc.Location)},
		{"Display name", val(p.DisplayName)},
		{"Host cluster", val(p.HostResourceID)},
		{"Host type", string(val(p.HostType))},
		{"Namespace", val(p.Namespace)},
		{"Cluster extensions", strings.Join(derefAll(p.ClusterExtensionIDs), ", ")},
		{"Provisioning state", val(p.ProvisioningState)},
		{"Tags", tags(derefMap(loc.Tags))},
	})
}

// writeLocationTable writes custom locations, one a row.
func writeLocationTable(w io.Writer, locs []*armextendedlocation.CustomLocation) error {
	tw := newTable(w, "NAME\tNAMESPACE\tHOST CLUSTER\tEXTENSIONS\tSTATE")
	for _, loc := range locs {
		p := locationProps(loc)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", val(loc.Name), orDash(val(p.Namespace)), orDash(lastSegment(val(p.HostResourceID))),
			len(p.ClusterExtensionIDs), orDash(val(p.ProvisioningState)))
	}
	return tw.Flush()
}

// writeEnabledTypes writes enabled resource types, one a row per type and extension.
func writeEnabledTypes(w io.Writer, types []*armextendedlocation.EnabledResourceType) error {
	tw := newTable(w, "RESOURCE TYPE\tAPI VERSION\tEXTENSION TYPE\tEXTENSION")
	for _, t := range types {
		p := val(t.Properties)
		for _, m := range p.TypesMetadata {
			fmt.Fprintf(tw, "%s/%s\t%s\t%s\t%s\n", val(m.ResourceProviderNamespace), val(m.ResourceType), orDash(val(m.APIVersion)),
				orDash(val(p.ExtensionType)), orDash(lastSegment(val(p.ClusterExtensionID))))
		}
	}
	return tw.Flush()
}

// derefMap is a map of string pointers as plain strings.
func derefMap(m map[string]*string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = val(v)
	}
	return out
}
