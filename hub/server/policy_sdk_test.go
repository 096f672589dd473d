// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/policy"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestAzureSDKManagesPolicyDefinitions drives policy definitions with armpolicy v1.0.0,
// unchanged: the built-ins, and custom definitions with an inline and a PublicURL template.
func TestAzureSDKManagesPolicyDefinitions(t *testing.T) {
	// The template server listens on loopback over http, which the hub refuses unless told.
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) {
		cfg.PolicyFetcher = &policy.Fetcher{AllowLoopback: true, AllowHTTP: true}
	}})
	ctx := context.Background()
	c := sdkClient(th, armpolicy.NewDefinitionsClient)

	builtins := pagedNames(t, c.NewListBuiltInPager(nil), builtinNames)
	if len(builtins) != 5 || !slices.Contains(builtins, builtinNoPrivilege) || !slices.Contains(builtins, builtinAllowedImages) {
		t.Errorf("built-in definitions = %v, want the five shipped", builtins)
	}
	got, err := c.GetBuiltIn(ctx, builtinAllowedImages, nil)
	if err != nil || *got.Properties.PolicyType != armpolicy.PolicyTypeBuiltIn || *got.Properties.Mode != "Microsoft.Kubernetes.Data" ||
		*got.Properties.DisplayName != "Kubernetes cluster containers should only use allowed images" ||
		got.Properties.Parameters["allowedContainerImagesRegex"] == nil || *got.ID != builtinDefinitionID(builtinAllowedImages) {
		t.Fatalf("GetBuiltIn = %v, %+v", err, got.Properties)
	}
	lower := strings.ToLower(builtinDefinitionID(builtinAllowedImages)) + apiPolicy
	if r := th.do(http.MethodGet, lower, th.AdminToken, nil); r.status != http.StatusOK || r.body["name"] != builtinAllowedImages {
		t.Errorf("GET %s: %d %s; ARM paths are case-insensitive", lower, r.status, r.raw)
	}
	_, err = c.GetBuiltIn(ctx, "00000000-0000-0000-0000-000000000000", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Errorf("GetBuiltIn of an unknown name: %v, want 404", err)
	}

	created, err := c.CreateOrUpdate(ctx, "ns-labels", labelsDefinition(inlineTemplate(namespaceLabelsTemplate)), nil)
	if err != nil || *created.Properties.PolicyType != armpolicy.PolicyTypeCustom || *created.ID != customDefinitionID("ns-labels") ||
		created.Properties.Parameters["effect"].DefaultValue != "deny" || created.SystemData == nil {
		t.Fatalf("CreateOrUpdate = %v, %+v", err, created.Definition)
	}
	template := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(namespaceLabelsTemplate)) }))
	defer template.Close()
	public := map[string]any{"sourceType": "PublicURL", "url": template.URL + "/template.yaml"}
	if _, err := c.CreateOrUpdate(ctx, "ns-labels-url", labelsDefinition(public), nil); err != nil {
		t.Fatalf("CreateOrUpdate with a PublicURL template: %v", err)
	}
	fetched, err := c.Get(ctx, "ns-labels-url", nil)
	if err != nil || !strings.Contains(jsonOf(t, fetched.Properties.PolicyRule), template.URL) {
		t.Errorf("Get of the PublicURL definition = %v; want it as written, with its URL", err)
	}
	template.Close()
	_, err = c.CreateOrUpdate(ctx, "unreachable", labelsDefinition(public), nil)
	wantBadRequest(t, "a PublicURL the hub cannot fetch", err, "templateInfo.url")

	all := pagedNames(t, c.NewListPager(nil), subscriptionDefinitionNames)
	custom := pagedNames(t, c.NewListPager(&armpolicy.DefinitionsClientListOptions{Filter: to.Ptr("policyType eq 'Custom'")}), subscriptionDefinitionNames)
	if len(all) != 7 || !slices.Equal(custom, []string{"ns-labels", "ns-labels-url"}) {
		t.Errorf("listing = %v, custom ones %v; want the built-ins and both custom definitions", all, custom)
	}

	if _, err := c.Delete(ctx, "ns-labels-url", nil); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := c.Get(ctx, "ns-labels-url", nil); !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Errorf("Get after Delete: %v, want 404", err)
	}
	if _, err := c.Delete(ctx, "ns-labels-url", nil); err != nil {
		t.Errorf("Delete of a deleted definition: %v, want 204", err)
	}
}

// TestAzureSDKAssignsPolicyToClusters assigns at the subscription, a resource group and a
// cluster with armpolicy v1.0.0 and checks what each cluster's agent is given: the right
// clusters only, notScopes, DoNotEnforce as dryrun, a cluster created afterwards, removal on
// delete, and the Gatekeeper extension added once.
func TestAzureSDKAssignsPolicyToClusters(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	defs, c := sdkClient(th, armpolicy.NewDefinitionsClient), sdkClient(th, armpolicy.NewAssignmentsClient)
	eu1, eu2, us := th.agentInGroup(rg, "eu1"), th.agentInGroup(rg, "eu2"), th.agentInGroup("edge-us", "us1")
	if _, err := defs.CreateOrUpdate(ctx, "ns-labels", labelsDefinition(inlineTemplate(namespaceLabelsTemplate)), nil); err != nil {
		t.Fatal(err)
	}

	labels := assignment(customDefinitionID("ns-labels"), map[string]any{"labels": []string{"team"}})
	labels.Properties.DisplayName = to.Ptr("Namespaces need a team")
	labels.Properties.NonComplianceMessages = []*armpolicy.NonComplianceMessage{{Message: to.Ptr("Label the namespace with its team.")}}
	subLabels, err := c.Create(ctx, subscriptionScope(), "labels", labels, nil)
	if err != nil || *subLabels.Properties.Scope != subscriptionScope() || *subLabels.Properties.EnforcementMode != armpolicy.EnforcementModeDefault {
		t.Fatalf("Create at the subscription = %v, %+v", err, subLabels.Properties)
	}
	labelsID := *subLabels.ID
	for _, agent := range []*http.Client{eu1, eu2, us} {
		spec := th.wantPolicySyncs(agent, "after the subscription's assignment", labelsID)[protocol.PolicySyncName(labelsID)]
		if spec.EnforcementAction != protocol.EnforcementDeny || spec.Template != namespaceLabelsTemplate || string(spec.Parameters) != `{"labels":["team"]}` ||
			spec.DisplayName != "Namespaces need a team" || spec.Message != "Label the namespace with its team." ||
			len(spec.Match.Kinds) != 1 || spec.Match.Kinds[0].Kinds[0] != "Namespace" || spec.DefinitionID != customDefinitionID("ns-labels") {
			t.Errorf("PolicySync = %+v", spec)
		}
	}

	labels.Properties.NotScopes = []*string{to.Ptr(groupScope("edge-us"))}
	if _, err := c.Create(ctx, subscriptionScope(), "labels", labels, nil); err != nil {
		t.Fatalf("Create with notScopes: %v", err)
	}
	th.wantPolicySyncs(us, "after the resource group was left out")
	th.wantPolicySyncs(eu1, "after another resource group was left out", labelsID)

	audit := assignment(builtinDefinitionID(builtinNoPrivilege), nil)
	audit.Properties.EnforcementMode = to.Ptr(armpolicy.EnforcementModeDoNotEnforce)
	groupAudit, err := c.Create(ctx, groupScope(rg), "no-privilege", audit, nil)
	if err != nil {
		t.Fatalf("Create at the resource group: %v", err)
	}
	images := assignment(builtinDefinitionID(builtinAllowedImages), map[string]any{"allowedContainerImagesRegex": "^registry\\.example\\.com/"})
	clusterImages, err := c.Create(ctx, clusterPath(sub, rg, "eu1"), "images", images, nil)
	if err != nil {
		t.Fatalf("Create at the cluster: %v", err)
	}
	syncs := th.wantPolicySyncs(eu1, "eu1 with three assignments", labelsID, *groupAudit.ID, *clusterImages.ID)
	if a := syncs[protocol.PolicySyncName(*groupAudit.ID)].EnforcementAction; a != protocol.EnforcementDryRun {
		t.Errorf("a DoNotEnforce assignment's action = %q, want dryrun", a)
	}
	th.wantPolicySyncs(eu2, "eu2", labelsID, *groupAudit.ID)
	th.wantPolicySyncs(us, "us1")

	eu3 := th.agentInGroup(rg, "eu3")
	th.wantPolicySyncs(eu3, "a cluster created after the assignments", labelsID, *groupAudit.ID)
	for _, name := range []string{"eu1", "eu2", "eu3"} {
		if got := extensionsOf(t, th, rg, name); !slices.Equal(got, []string{"azurepolicy/gatekeeper constraintViolationsLimit=1000"}) {
			t.Errorf("extensions of %s = %v, want the Gatekeeper extension once", name, got)
		}
	}
	if got := extensionsOf(t, th, "edge-us", "us1"); len(got) != 1 {
		t.Errorf("us1, reached before it was left out, has the extensions %v, want Gatekeeper, which stays", got)
	}

	checkListings(t, c, labelsID)

	deleted, err := c.Delete(ctx, clusterPath(sub, rg, "eu1"), "images", nil)
	if err != nil || *deleted.Name != "images" {
		t.Fatalf("Delete at the cluster = %v, %+v", err, deleted)
	}
	th.wantPolicySyncs(eu1, "after the cluster's assignment was deleted", labelsID, *groupAudit.ID)
	if _, err := c.Delete(ctx, subscriptionScope(), "labels", nil); err != nil {
		t.Fatal(err)
	}
	th.wantPolicySyncs(eu3, "after the subscription's assignment was deleted", *groupAudit.ID)
	if _, err := c.Delete(ctx, subscriptionScope(), "labels", nil); err != nil {
		t.Errorf("Delete of a deleted assignment: %v, want 204", err)
	}

	if _, err := c.Create(ctx, clusterPath(sub, rg, "eu2"), "images", images, nil); err != nil {
		t.Fatal(err)
	}
	if r := th.do(http.MethodDelete, clusterPath(sub, rg, "eu2")+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("deleting the cluster: %d %s", r.status, r.raw)
	}
	var re *azcore.ResponseError
	if _, err := c.Get(ctx, clusterPath(sub, rg, "eu2"), "images", nil); !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Errorf("the assignment of a deleted cluster: %v, want 404", err)
	}
}

// checkListings lists assignments at every scope with the SDK's pagers (two per page).
func checkListings(t *testing.T, c *armpolicy.AssignmentsClient, labelsID string) {
	t.Helper()
	for _, tt := range []struct {
		name string
		got  []string
		want []string
	}{
		{"subscription", pagedNames(t, c.NewListPager(nil), listNames), []string{"images", "labels", "no-privilege"}},
		{"subscription, atExactScope()", pagedNames(t, c.NewListPager(&armpolicy.AssignmentsClientListOptions{Filter: to.Ptr("atExactScope()")}), listNames), []string{"labels"}},
		{"resource group", pagedNames(t, c.NewListForResourceGroupPager(rg, nil), groupNames), []string{"images", "labels", "no-privilege"}},
		{"resource group, atScope()", pagedNames(t, c.NewListForResourceGroupPager(rg, &armpolicy.AssignmentsClientListForResourceGroupOptions{Filter: to.Ptr("atScope()")}), groupNames), []string{"labels", "no-privilege"}},
		{"other resource group", pagedNames(t, c.NewListForResourceGroupPager("edge-us", nil), groupNames), []string{"labels"}},
		// The SDK refuses an empty parentResourcePath; "." is cleaned out of its path.
		{"cluster", pagedNames(t, c.NewListForResourcePager(rg, clusterRP, ".", clusterResource, "eu1", nil), resourceNames), []string{"images", "labels", "no-privilege"}},
		{"definition", pagedNames(t, c.NewListPager(&armpolicy.AssignmentsClientListOptions{Filter: to.Ptr("policyDefinitionId eq '" + customDefinitionID("ns-labels") + "'")}), listNames), []string{"labels"}},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("assignments of the %s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	got, err := c.Get(context.Background(), subscriptionScope(), "labels", nil)
	if err != nil || *got.ID != labelsID || *got.Properties.PolicyDefinitionID != customDefinitionID("ns-labels") || len(got.Properties.NotScopes) != 1 {
		t.Errorf("Get = %v, %+v", err, got.Properties)
	}
}

func listNames(r armpolicy.AssignmentsClientListResponse) []string {
	return assignmentNames(r.AssignmentListResult)
}
func groupNames(r armpolicy.AssignmentsClientListForResourceGroupResponse) []string {
	return assignmentNames(r.AssignmentListResult)
}
func resourceNames(r armpolicy.AssignmentsClientListForResourceResponse) []string {
	return assignmentNames(r.AssignmentListResult)
}

func builtinNames(r armpolicy.DefinitionsClientListBuiltInResponse) []string {
	return definitionNames(r.DefinitionListResult)
}
func subscriptionDefinitionNames(r armpolicy.DefinitionsClientListResponse) []string {
	return definitionNames(r.DefinitionListResult)
}

// definitionNames are the names of a page of definitions.
func definitionNames(list armpolicy.DefinitionListResult) []string {
	out := make([]string, 0, len(list.Value))
	for _, d := range list.Value {
		out = append(out, *d.Name)
	}
	return out
}

// extensionsOf lists the extensions of a cluster of a resource group as name/type.
func extensionsOf(t *testing.T, th *testHub, group, cluster string) []string {
	t.Helper()
	c := sdkClient(th, armkc.NewExtensionsClient)
	var out []string
	for p := c.NewListPager(group, clusterRP, clusterResource, cluster, nil); p.More(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Value {
			name := *e.Name + "/" + *e.Properties.ExtensionType
			if limit := e.Properties.ConfigurationSettings["constraintViolationsLimit"]; limit != nil {
				name += " constraintViolationsLimit=" + *limit
			}
			out = append(out, name)
		}
	}
	return out
}

// TestPolicyPublicURLNeverReachesTheHubsNetwork: as configured in production, the hub refuses
// a PublicURL template on loopback (here the hub itself, and a server beside it) with a 400
// naming templateInfo.url that says why, and never reaches it.
func TestPolicyPublicURLNeverReachesTheHubsNetwork(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	c := sdkClient(th, armpolicy.NewDefinitionsClient)
	var hits atomic.Int32
	beside := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(namespaceLabelsTemplate))
	}))
	defer beside.Close()
	for _, u := range []string{
		th.URL + "/subscriptions/" + sub + "/providers/Microsoft.Authorization/policyDefinitions?api-version=2025-03-01",
		beside.URL + "/template.yaml",
		"https://169.254.169.254/metadata/instance",
	} {
		_, err := c.CreateOrUpdate(ctx, "internal", labelsDefinition(map[string]any{"sourceType": "PublicURL", "url": u}), nil)
		wantBadRequest(t, u, err, "templateInfo.url")
		if err == nil || !strings.Contains(err.Error(), "resolves to an address the hub does not fetch from") {
			t.Errorf("%s: %v, want the 400 to say the address is refused", u, err)
		}
	}
	_, err := c.CreateOrUpdate(ctx, "plain-http", labelsDefinition(map[string]any{"sourceType": "PublicURL", "url": "http://example.com/t.yaml"}), nil)
	wantBadRequest(t, "plain http", err, "must be an https URL")
	if hits.Load() != 0 {
		t.Errorf("the server beside the hub was reached %d times, want none", hits.Load())
	}
}
