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

package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const apiLocation = "?api-version=2021-08-15"

// locationHub is a hub with hubtest.CustomLocationCatalog and cluster c1 in rg whose agent has the
// custom-locations feature on and the extension "samples" installed.
type locationHub struct {
	*testHub
	agent   *http.Client
	cluster string
}

func startLocationHub(t *testing.T) *locationHub {
	t.Helper()
	file := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(file, []byte(hubtest.CustomLocationCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.CatalogFile = file }})
	agent, _ := th.agent("c1")
	lh := &locationHub{testHub: th, agent: agent, cluster: clusterPath(sub, rg, "c1")}
	lh.heartbeat(protocol.FeatureClusterConnect, protocol.FeatureCustomLocations)
	for _, ext := range []string{"samples", "plain"} {
		if r := th.do(http.MethodPut, extensionPath("c1", ext)+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": strings.Replace(ext, "samples", "kubearc.samples", 1)})); r.status != http.StatusCreated {
			t.Fatalf("creating extension %s: %d %s", ext, r.status, r.raw)
		}
	}
	return lh
}

// heartbeat sends a heartbeat with features as the agent.
func (lh *locationHub) heartbeat(features ...string) {
	lh.t.Helper()
	if r := lh.send(lh.agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{Features: features}); r.status != http.StatusOK {
		lh.t.Fatalf("heartbeat: %d %s", r.status, r.raw)
	}
}

func (lh *locationHub) extensionID(name string) string {
	return lh.cluster + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name
}

// locationsPath is the path of the custom locations of a resource group.
func locationsPath(group string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + group + "/providers/Microsoft.ExtendedLocation/customLocations"
}

func locationPath(group, name string) string { return locationsPath(group) + "/" + name }

// desiredLocation returns the agent's CustomLocation object of the location id, or nil.
func (lh *locationHub) desiredLocation(id string) (*protocol.DesiredObject, *protocol.CustomLocationSpec) {
	lh.t.Helper()
	return desiredObject[protocol.CustomLocationSpec](lh.testHub, lh.agent, protocol.KindCustomLocation, protocol.CustomLocationName(id))
}

// reportLocation reports the location id's current desired object in state, with failure.
func (lh *locationHub) reportLocation(id, state, failure string) {
	lh.t.Helper()
	lh.reportCurrent(lh.agent, protocol.KindCustomLocation, protocol.CustomLocationName(id),
		protocol.CustomLocationStatus{ProvisioningState: state, Namespace: "apps", ErrorMessage: failure})
}

// TestAzureSDKManagesCustomLocations drives the hub with armextendedlocation v1.2.0,
// unchanged, while the test plays the host cluster's agent.
func TestAzureSDKManagesCustomLocations(t *testing.T) {
	lh := startLocationHub(t)
	ctx := context.Background()
	c := sdkClient(lh.testHub, armextendedlocation.NewCustomLocationsClient)
	id := locationPath(rg, "apps")

	poller, err := c.BeginCreateOrUpdate(ctx, rg, "apps", armextendedlocation.CustomLocation{
		Location: to.Ptr("westeurope"),
		Identity: &armextendedlocation.Identity{Type: to.Ptr(armextendedlocation.ResourceIdentityTypeSystemAssigned)},
		Properties: &armextendedlocation.CustomLocationProperties{
			HostResourceID:      to.Ptr(lh.cluster),
			HostType:            to.Ptr(armextendedlocation.HostTypeKubernetes),
			ClusterExtensionIDs: []*string{to.Ptr(lh.extensionID("samples")), to.Ptr(lh.extensionID("plain"))},
			DisplayName:         to.Ptr("Apps"),
			Authentication:      &armextendedlocation.CustomLocationPropertiesAuthentication{Type: to.Ptr("KubeConfig"), Value: to.Ptr("c2VjcmV0LWt1YmVjb25maWc=")},
		},
	}, nil)
	if err != nil {
		t.Fatalf("BeginCreateOrUpdate: %v", err)
	}
	if got, _ := c.Get(ctx, rg, "apps", nil); *got.Properties.ProvisioningState != "Creating" {
		t.Fatalf("before the agent reports: %s, want Creating", *got.Properties.ProvisioningState)
	}
	_, spec := lh.desiredLocation(id)
	if spec == nil || spec.Namespace != "apps" || spec.LocationID != id || strings.Join(spec.ClusterRoles, ",") != "samples-operator" || spec.DeleteNamespace {
		t.Fatalf("desired spec = %+v, want namespace apps and the samples operator's role", spec)
	}
	lh.reportLocation(id, protocol.ProvisioningSucceeded, "")
	created, err := poller.PollUntilDone(ctx, fastPoll)
	if err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	p := created.Properties
	if *p.ProvisioningState != "Succeeded" || *p.Namespace != "apps" || *p.HostType != armextendedlocation.HostTypeKubernetes ||
		*p.DisplayName != "Apps" || len(p.ClusterExtensionIDs) != 2 || p.Authentication != nil ||
		*created.Identity.Type != armextendedlocation.ResourceIdentityTypeSystemAssigned || created.Identity.PrincipalID == nil ||
		*created.Type != "Microsoft.ExtendedLocation/customLocations" || *created.SystemData.CreatedByType != armextendedlocation.CreatedByTypeUser {
		t.Errorf("created location = %+v %+v", p, created.Identity)
	}

	enabled := c.NewListEnabledResourceTypesPager(rg, "apps", nil)
	page, err := enabled.NextPage(ctx)
	if err != nil {
		t.Fatalf("ListEnabledResourceTypes: %v", err)
	}
	if len(page.Value) != 1 || *page.Value[0].Properties.ClusterExtensionID != lh.extensionID("samples") ||
		*page.Value[0].Properties.ExtensionType != "kubearc.samples" ||
		*page.Value[0].Properties.TypesMetadata[0].ResourceProviderNamespace != "Microsoft.KubearcSamples" ||
		*page.Value[0].Properties.TypesMetadata[0].ResourceType != "widgets" {
		t.Errorf("enabled resource types = %s", mustJSON(t, page.Value))
	}

	updated, err := c.Update(ctx, rg, "apps", armextendedlocation.PatchableCustomLocations{
		Tags:       map[string]*string{"team": to.Ptr("apps")},
		Properties: &armextendedlocation.CustomLocationProperties{ClusterExtensionIDs: []*string{to.Ptr(lh.extensionID("plain"))}},
	}, nil)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if *updated.Tags["team"] != "apps" || len(updated.Properties.ClusterExtensionIDs) != 1 || *updated.Properties.DisplayName != "Apps" {
		t.Errorf("updated location = %s", mustJSON(t, updated))
	}
	if _, spec := lh.desiredLocation(id); spec == nil || len(spec.ClusterRoles) != 0 {
		t.Errorf("after dropping the samples extension the desired roles are %+v, want none", spec)
	}

	byGroup, err := c.NewListByResourceGroupPager(rg, nil).NextPage(ctx)
	if err != nil || len(byGroup.Value) != 1 || *byGroup.Value[0].ID != id {
		t.Errorf("list by resource group = %v %v", byGroup.Value, err)
	}
	bySub, err := c.NewListBySubscriptionPager(nil).NextPage(ctx)
	if err != nil || len(bySub.Value) != 1 {
		t.Errorf("list by subscription = %v %v", bySub.Value, err)
	}
	for _, raw := range []string{lh.do(http.MethodGet, id+apiLocation, lh.AdminToken, nil).raw, lh.do(http.MethodGet, locationsPath(rg)+apiLocation, lh.AdminToken, nil).raw} {
		if strings.Contains(raw, "c2VjcmV0") || strings.Contains(strings.ToLower(raw), "authentication") {
			t.Errorf("a GET shows the write-only authentication: %s", raw)
		}
	}

	del, err := c.BeginDelete(ctx, rg, "apps", nil)
	if err != nil {
		t.Fatalf("BeginDelete: %v", err)
	}
	if obj, _ := lh.desiredLocation(id); obj != nil {
		t.Fatal("the location is still in the agent's desired state after the delete")
	}
	if got, _ := c.Get(ctx, rg, "apps", nil); *got.Properties.ProvisioningState != "Deleting" {
		t.Fatalf("after BeginDelete: %s, want Deleting", *got.Properties.ProvisioningState)
	}
	lh.reportStatus(lh.agent, protocol.KindCustomLocation, protocol.CustomLocationName(id), "", protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningDeleted})
	if _, err := del.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("delete PollUntilDone: %v", err)
	}
	if r := lh.do(http.MethodGet, id+apiLocation, lh.AdminToken, nil); r.status != http.StatusNotFound {
		t.Errorf("GET after the delete: %d %s", r.status, r.raw)
	}
}

// TestCustomLocationFailsWithTheAgentsReason: the create operation fails with what the agent
// said.
func TestCustomLocationFailsWithTheAgentsReason(t *testing.T) {
	lh := startLocationHub(t)
	ctx := context.Background()
	c := sdkClient(lh.testHub, armextendedlocation.NewCustomLocationsClient)
	id := locationPath(rg, "broken")
	poller, err := c.BeginCreateOrUpdate(ctx, rg, "broken", armextendedlocation.CustomLocation{Location: to.Ptr("westeurope"),
		Properties: &armextendedlocation.CustomLocationProperties{HostResourceID: to.Ptr(lh.cluster), Namespace: to.Ptr("broken-ns")}}, nil)
	if err != nil {
		t.Fatalf("BeginCreateOrUpdate: %v", err)
	}
	lh.reportLocation(id, protocol.ProvisioningFailed, `namespace "broken-ns" is being terminated`)
	if _, err := poller.PollUntilDone(ctx, fastPoll); err == nil || !strings.Contains(err.Error(), "is being terminated") {
		t.Errorf("PollUntilDone = %v, want the agent's reason", err)
	}
	if got, _ := c.Get(ctx, rg, "broken", nil); *got.Properties.ProvisioningState != "Failed" {
		t.Errorf("after the failure: %s, want Failed", *got.Properties.ProvisioningState)
	}
}
