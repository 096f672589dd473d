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
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// defaultResourceAPIVersion is the api-version arcctl sends for resources on custom locations
// when --api-version is not given.
const defaultResourceAPIVersion = "2021-08-15"

// resourceCommands are the generic resource commands; they share --subscription and
// --api-version.
type resourceCommands struct {
	*clusterCommands
	apiVersion string
}

func (a *app) resourceCommand() *cobra.Command {
	r := &resourceCommands{clusterCommands: &clusterCommands{app: a}}
	cmd := &cobra.Command{
		Use:   "resource",
		Short: "Manage resources of any type, such as those on custom locations",
		Long: "Manage ARM resources of any type, as 'az resource' does. A resource on a custom location\n" +
			"(--custom-location) is applied by the hub as a custom resource in the location's namespace,\n" +
			"through the cluster's tunnel; its provisioningState follows what the cluster's operator reports.\n" +
			"Name a resource with --id, or with --resource-type, -n and -g.",
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&r.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	pf.StringVar(&r.apiVersion, "api-version", defaultResourceAPIVersion, "api-version of the resource type")
	cmd.AddCommand(r.createCommand(), r.showCommand(), r.listCommand(), r.deleteCommand())
	return cmd
}

// resourceRef is --id, or --resource-type with -n and -g.
type resourceRef struct {
	id, kind, name, group string
}

func (r *resourceRef) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&r.id, "id", "", "ID of the resource, instead of --resource-type, -n and -g")
	f.StringVar(&r.kind, "resource-type", "", "type of the resource, e.g. Microsoft.KubearcSamples/widgets")
	f.StringVarP(&r.name, "name", "n", "", "name of the resource")
	f.StringVarP(&r.group, "resource-group", "g", "", "resource group of the resource")
	cmd.MarkFlagsMutuallyExclusive("id", "resource-type")
	cmd.MarkFlagsMutuallyExclusive("id", "name")
	cmd.MarkFlagsMutuallyExclusive("id", "resource-group")
}

// resourceID checks --id, or builds the ID from the parts in subscription sub.
func (r resourceRef) resourceID(sub string) (*arm.ResourceID, error) {
	if r.id != "" {
		id, err := arm.ParseResourceID(r.id)
		if err != nil || id.ResourceGroupName == "" || id.Name == "" {
			return nil, fmt.Errorf("--id %q must be the ID of a resource in a resource group, like "+
				"/subscriptions/SUB/resourceGroups/GROUP/providers/NAMESPACE/TYPE/NAME", r.id)
		}
		return id, nil
	}
	if r.kind == "" || r.name == "" || r.group == "" {
		return nil, errors.New("name the resource with --id, or with --resource-type, --name and --resource-group")
	}
	if err := checkResourceType(r.kind); err != nil {
		return nil, err
	}
	if err := armid.ValidateResourceGroup(r.group); err != nil {
		return nil, fmt.Errorf("--resource-group: %w", err)
	}
	if strings.Contains(r.name, "/") {
		return nil, fmt.Errorf("--name %q must not contain '/'", r.name)
	}
	return arm.ParseResourceID("/subscriptions/" + sub + "/resourceGroups/" + r.group + "/providers/" + r.kind + "/" + r.name)
}

// checkResourceType checks that --resource-type is NAMESPACE/TYPE.
func checkResourceType(kind string) error {
	ns, typ, ok := strings.Cut(kind, "/")
	if !ok || ns == "" || typ == "" || strings.Contains(typ, "/") || !strings.Contains(ns, ".") {
		return fmt.Errorf("--resource-type %q must be NAMESPACE/TYPE, e.g. Microsoft.KubearcSamples/widgets", kind)
	}
	return nil
}

// resolve returns a hub client and the resource's ID.
func (r *resourceCommands) resolve(ref resourceRef) (*armclient.Client, *arm.ResourceID, error) {
	client, sub, err := r.clusterSession()
	if err != nil {
		return nil, nil, err
	}
	id, err := ref.resourceID(sub)
	return client, id, err
}

// resourceKind is what the nested waits need to follow one resource while the operator in
// its custom location's cluster works on it.
func (r *resourceCommands) resourceKind(id *arm.ResourceID) nestedKind[armclient.Resource] {
	state := func(res *armclient.Resource) armkc.ProvisioningState {
		return armkc.ProvisioningState(res.State().ProvisioningState)
	}
	return nestedKind[armclient.Resource]{
		noun: "resource", title: "Resource", nouns: "resources",
		get: func(hub *armclient.Client, ctx context.Context, _ armid.ClusterID, _ string) (*armclient.Resource, error) {
			return hub.GetResource(ctx, id.String(), r.apiVersion)
		},
		state:   state,
		line:    func(res *armclient.Resource) string { return "provisioning state " + orDash(string(state(res))) },
		failure: func(res *armclient.Resource) string { return orDash(res.State().ProvisioningError) },
		done: func(name string, res *armclient.Resource) string {
			return fmt.Sprintf("Resource '%s' (%s) is provisioned.", name, res.Type)
		},
		showHint: func(armid.ClusterID, string) string {
			return fmt.Sprintf("'arcctl resource show --id %s'", id)
		},
	}
}

// customLocationOf reads the custom location of an ID.
func customLocationOf(ctx context.Context, client *armclient.Client, locationID string) (*armextendedlocation.CustomLocation, error) {
	id, err := arm.ParseResourceID(locationID)
	if err != nil {
		return nil, fmt.Errorf("the custom location ID %q: %w", locationID, err)
	}
	loc, err := client.GetCustomLocation(ctx, armclient.CustomLocationRef{Subscription: id.SubscriptionID, ResourceGroup: id.ResourceGroupName, Name: id.Name})
	if err != nil {
		return nil, fmt.Errorf("reading the custom location %s: %w", locationID, err)
	}
	return loc, nil
}
