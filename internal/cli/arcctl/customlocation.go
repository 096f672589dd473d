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
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// locationCommands are the customlocation commands; they share --subscription.
type locationCommands struct {
	*clusterCommands
}

func (a *app) customLocationCommand() *cobra.Command {
	l := &locationCommands{clusterCommands: &clusterCommands{app: a}}
	cmd := &cobra.Command{
		Use:   "customlocation",
		Short: "Manage custom locations (Microsoft.ExtendedLocation/customLocations)",
		Long: "Manage custom locations, as 'az customlocation' does: a namespace of a connected cluster made\n" +
			"a deployment target for the resource types its cluster extensions serve. The cluster needs the\n" +
			"custom-locations feature: 'arcctl connectedk8s enable-features --features custom-locations'.",
	}
	cmd.PersistentFlags().StringVar(&l.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	cmd.AddCommand(l.createCommand(), l.patchCommand(), l.showCommand(), l.listCommand(), l.deleteCommand(), l.enabledTypesCommand())
	return cmd
}

// locationRef is the -n/-g pair naming one custom location.
type locationRef struct {
	name  string
	group string
}

func (r *locationRef) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&r.name, "name", "n", "", "name of the custom location")
	cmd.Flags().StringVarP(&r.group, "resource-group", "g", "", "resource group of the custom location")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("resource-group")
}

// resolve returns a hub client and the location's validated name.
func (l *locationCommands) resolve(r locationRef) (*armclient.Client, armclient.CustomLocationRef, error) {
	client, sub, err := l.clusterSession()
	if err != nil {
		return nil, armclient.CustomLocationRef{}, err
	}
	ref := armclient.CustomLocationRef{Subscription: sub, ResourceGroup: r.group, Name: r.name}
	return client, ref, validateLocationRef(ref)
}

// validateLocationRef checks the resource group and that the name is one path segment; the
// hub checks the rest of ARM's naming rules.
func validateLocationRef(ref armclient.CustomLocationRef) error {
	if err := armid.ValidateResourceGroup(ref.ResourceGroup); err != nil {
		return fmt.Errorf("--resource-group: %w", err)
	}
	if strings.TrimSpace(ref.Name) == "" || strings.Contains(ref.Name, "/") {
		return fmt.Errorf("--name %q must be a non-empty name without '/'", ref.Name)
	}
	return nil
}

// hostCluster is the connected cluster a location is on.
func hostCluster(loc *armextendedlocation.CustomLocation) (armid.ClusterID, error) {
	if loc.Properties == nil {
		return armid.ClusterID{}, fmt.Errorf("custom location %s has no hostResourceId", val(loc.Name))
	}
	return armid.ParseClusterID(val(loc.Properties.HostResourceID))
}

// locationState is a location's provisioning state, in the type the nested waits compare.
func locationState(loc *armextendedlocation.CustomLocation) armkc.ProvisioningState {
	if loc.Properties == nil {
		return ""
	}
	return armkc.ProvisioningState(val(loc.Properties.ProvisioningState))
}

// locationKind is what the nested waits need to follow one custom location while the host
// cluster's agent creates or removes its namespace and RoleBindings.
func locationKind(client *armclient.Client, ref armclient.CustomLocationRef) nestedKind[armextendedlocation.CustomLocation] {
	return nestedKind[armextendedlocation.CustomLocation]{
		noun: "custom location", title: "Custom location", nouns: "custom locations",
		get: func(hub *armclient.Client, ctx context.Context, _ armid.ClusterID, _ string) (*armextendedlocation.CustomLocation, error) {
			return hub.GetCustomLocation(ctx, ref)
		},
		state: locationState,
		line: func(loc *armextendedlocation.CustomLocation) string {
			return "provisioning state " + orDash(string(locationState(loc)))
		},
		failure: func(*armextendedlocation.CustomLocation) string {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if reason, err := client.CustomLocationFailure(ctx, ref); err == nil && reason != "" {
				return reason
			}
			return "its provisioning state is Failed; the cluster's CustomLocation object in kubearc-system says why"
		},
		done: func(name string, loc *armextendedlocation.CustomLocation) string {
			return fmt.Sprintf("Custom location '%s' is ready: namespace %s.", name, val(loc.Properties.Namespace))
		},
		showHint: func(armid.ClusterID, string) string {
			return fmt.Sprintf("'arcctl customlocation show -n %s -g %s'", ref.Name, ref.ResourceGroup)
		},
	}
}

// stringPtrs turns a map of strings into the map of pointers the SDK's types hold.
func stringPtrs(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = ptr(v)
	}
	return out
}

// trimmedAll trims each value and drops the empty ones.
func trimmedAll(values []string) []*string {
	out := []*string{}
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, ptr(v))
		}
	}
	return out
}
