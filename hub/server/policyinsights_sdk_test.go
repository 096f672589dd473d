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
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	pi "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"

	"github.com/kubearc/kubearc/hub/policyinsights"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const latestStates = pi.PolicyStatesResourceLatest

// Built-in Kubernetes policy definitions the tests assign.
const (
	podLabelsDefinition    = "/providers/Microsoft.Authorization/policyDefinitions/46592696-4c7b-4bf3-9e45-6c2763bdc0a6"
	noPrivilegedDefinition = "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4"
)

// syncedAssignment is a policy assignment the hub pushed to the clusters it applies to.
type syncedAssignment struct {
	id, definitionID string
}

func (a syncedAssignment) name() string { return path.Base(a.id) }

// assignPolicy assigns a built-in definition at scope with the effect through the hub's
// policy API (armpolicy's shapes), which pushes a PolicySync to each cluster of the scope.
func (th *testHub) assignPolicy(scope, name, definitionID string, params map[string]any) syncedAssignment {
	th.t.Helper()
	parameters := map[string]any{}
	for k, v := range params {
		parameters[k] = map[string]any{"value": v}
	}
	a := syncedAssignment{id: scope + "/providers/Microsoft.Authorization/policyAssignments/" + name, definitionID: definitionID}
	r := th.do(http.MethodPut, a.id+"?api-version=2025-03-01", th.AdminToken,
		map[string]any{"properties": map[string]any{"policyDefinitionId": definitionID, "parameters": parameters}})
	if r.status != http.StatusCreated {
		th.t.Fatalf("assigning %s: %d %s", name, r.status, r.raw)
	}
	return a
}

// reportPolicySync reports st as the agent's status of the assignment's PolicySync.
func (th *testHub) reportPolicySync(agent *http.Client, a syncedAssignment, st protocol.PolicySyncStatus) {
	th.t.Helper()
	th.reportCurrent(agent, protocol.KindPolicySync, protocol.PolicySyncName(a.id), st)
}

// agentInGroup registers a new cluster's agent in a resource group and returns its client.
func (th *testHub) agentInGroup(group, name string) *http.Client {
	th.t.Helper()
	k := th.createCluster(sub, group, name)
	r, cert := th.register(clusterPath(sub, group, name), k)
	if cert == nil {
		th.t.Fatalf("registering: %d %s", r.status, r.raw)
	}
	return th.client(cert)
}

// stateKeys are "cluster/assignment=state" of each state, sorted.
func stateKeys(states []*pi.PolicyState) []string {
	keys := make([]string, 0, len(states))
	for _, s := range states {
		keys = append(keys, path.Base(*s.ResourceID)+"/"+*s.PolicyAssignmentName+"="+*s.ComplianceState)
	}
	slices.Sort(keys)
	return keys
}

// collectStates reads every page of a pager; pages counts them.
func collectStates[T any](t *testing.T, pager *runtime.Pager[T], value func(T) []*pi.PolicyState) (states []*pi.PolicyState, pages int) {
	t.Helper()
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		states = append(states, value(page)...)
		pages++
	}
	return states, pages
}

func subStates(t *testing.T, c *pi.PolicyStatesClient, opts *pi.QueryOptions) []*pi.PolicyState {
	t.Helper()
	states, _ := collectStates(t, c.NewListQueryResultsForSubscriptionPager(latestStates, sub, opts, nil),
		func(p pi.PolicyStatesClientListQueryResultsForSubscriptionResponse) []*pi.PolicyState { return p.Value })
	return states
}

func assertKeys(t *testing.T, what string, got []*pi.PolicyState, want ...string) {
	t.Helper()
	if keys := stateKeys(got); !slices.Equal(keys, want) {
		t.Errorf("%s = %v, want %v", what, keys, want)
	}
}

// insightsFixture: c1 and c2 in rg, c3 in otherRG; the built-ins "labels" (deny, at the
// subscription) on all three, "privileged" (audit, at rg) on c1 and c2. c1 violates labels with a namespace and a pod and
// complies with privileged; c2 complies with labels and cannot enforce privileged; c3 has
// not reported.
type insightsFixture struct {
	th                 *testHub
	labels, privileged syncedAssignment
	c1, c2, c3         *http.Client
}

const otherRG = "edge-us"

func newInsightsFixture(t *testing.T) *insightsFixture {
	th := newTestHub(t)
	f := &insightsFixture{th: th}
	f.c1, _ = th.agent("c1")
	f.c2, _ = th.agent("c2")
	f.c3 = th.agentInGroup(otherRG, "c3")
	f.labels = th.assignPolicy("/subscriptions/"+sub, "labels", podLabelsDefinition, map[string]any{"labelsList": []string{"owner"}, "effect": "deny"})
	f.privileged = th.assignPolicy("/subscriptions/"+sub+"/resourceGroups/"+rg, "privileged", noPrivilegedDefinition, map[string]any{"effect": "audit"})
	th.reportPolicySync(f.c1, f.labels, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyNonCompliant, Enforced: true,
		EnforcementAction: protocol.EnforcementDeny, AuditTimestamp: "2026-11-23T10:00:00Z", TotalViolations: 2,
		Violations: []protocol.PolicyViolation{
			{Kind: "Namespace", Name: "team-a", Message: "you must provide labels: {\"owner\"}"},
			{Version: "v1", Kind: "Pod", Namespace: "default", Name: "web", Message: "you must provide labels: {\"app\"}"},
		}})
	th.reportPolicySync(f.c1, f.privileged, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, Enforced: true,
		AuditTimestamp: "2026-11-23T10:05:00Z"})
	th.reportPolicySync(f.c2, f.labels, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, Enforced: true,
		AuditTimestamp: "2026-11-23T09:00:00Z"})
	th.reportPolicySync(f.c2, f.privileged, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyError,
		ErrorMessage: "rego_parse_error: unexpected eof token",
		Conditions:   []protocol.Condition{{Type: "Ready", Status: "False", Reason: "TemplateError", LastTransitionTime: "2026-11-23T08:00:00Z"}}})
	return f
}

// TestAzureSDKQueriesPolicyStates drives the hub's Microsoft.PolicyInsights with
// armpolicyinsights v0.9.0, unchanged, over what simulated agents reported.
func TestAzureSDKQueriesPolicyStates(t *testing.T) {
	f := newInsightsFixture(t)
	ctx := context.Background()
	c := sdkClient(f.th, pi.NewClientFactory).NewPolicyStatesClient()

	all, pages := collectStates(t, c.NewListQueryResultsForSubscriptionPager(latestStates, sub, nil, nil),
		func(p pi.PolicyStatesClientListQueryResultsForSubscriptionResponse) []*pi.PolicyState { return p.Value })
	assertKeys(t, "subscription", all, "c1/labels=NonCompliant", "c1/privileged=Compliant", "c2/labels=Compliant",
		"c2/privileged=Error", "c3/labels=Unknown")
	if pages != 3 {
		t.Errorf("5 states in pages of 2 came in %d pages, want 3", pages)
	}
	first := all[0]
	if *first.ResourceID != clusterPath(sub, rg, "c1") || *first.ResourceType != "Microsoft.Kubernetes/connectedClusters" ||
		*first.SubscriptionID != sub || *first.ResourceGroup != rg || *first.ResourceLocation != "westeurope" ||
		*first.PolicyAssignmentID != f.labels.id || *first.PolicyAssignmentScope != "/subscriptions/"+sub ||
		*first.PolicyDefinitionID != f.labels.definitionID || *first.PolicyDefinitionName != path.Base(podLabelsDefinition) ||
		*first.PolicyDefinitionAction != "deny" || *first.IsCompliant ||
		!first.Timestamp.Equal(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("c1's labels state = %s", mustJSON(t, first))
	}
	for _, s := range all {
		switch path.Base(*s.ResourceID) + "/" + *s.PolicyAssignmentName {
		case "c1/privileged":
			if *s.PolicyDefinitionAction != "audit" || !*s.IsCompliant || *s.PolicyAssignmentScope != "/subscriptions/"+sub+"/resourceGroups/"+rg {
				t.Errorf("c1's privileged state = %s", mustJSON(t, s))
			}
		case "c2/privileged": // no audit yet: the time of the agent's newest condition
			if !s.Timestamp.Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)) || *s.IsCompliant ||
				s.AdditionalProperties["complianceReason"] != "rego_parse_error: unexpected eof token" {
				t.Errorf("c2's privileged state = %s", mustJSON(t, s))
			}
		}
	}

	assertKeys(t, "non-compliant", subStates(t, c, &pi.QueryOptions{Filter: to.Ptr("complianceState eq 'NonCompliant'")}),
		"c1/labels=NonCompliant")
	assertKeys(t, "not compliant to labels", subStates(t, c, &pi.QueryOptions{
		Filter: to.Ptr("IsCompliant eq false and PolicyAssignmentId eq '" + strings.ToLower(f.labels.id) + "'")}),
		"c1/labels=NonCompliant", "c3/labels=Unknown")
	assertKeys(t, "errors or unknown", subStates(t, c, &pi.QueryOptions{
		Filter: to.Ptr("(complianceState eq 'error' or ComplianceState eq 'Unknown') and not resourceGroup eq 'nowhere'")}),
		"c2/privileged=Error", "c3/labels=Unknown")
	if top := subStates(t, c, &pi.QueryOptions{Top: to.Ptr[int32](3)}); len(top) != 3 {
		t.Errorf("$top=3 answered %d states", len(top))
	}
	newest := subStates(t, c, &pi.QueryOptions{OrderBy: to.Ptr("timestamp desc"), Top: to.Ptr[int32](1)})
	if len(newest) != 1 || *newest[0].PolicyAssignmentName != "labels" || path.Base(*newest[0].ResourceID) != "c3" {
		t.Errorf("newest state = %v, want c3's labels (not reported: now)", stateKeys(newest))
	}

	rgStates, _ := collectStates(t, c.NewListQueryResultsForResourceGroupPager(latestStates, sub, otherRG, nil, nil),
		func(p pi.PolicyStatesClientListQueryResultsForResourceGroupResponse) []*pi.PolicyState {
			return p.Value
		})
	assertKeys(t, "resource group "+otherRG, rgStates, "c3/labels=Unknown")
	clusterStates, _ := collectStates(t, c.NewListQueryResultsForResourcePager(latestStates, clusterPath(sub, rg, "c1"), nil, nil),
		func(p pi.PolicyStatesClientListQueryResultsForResourceResponse) []*pi.PolicyState { return p.Value })
	assertKeys(t, "cluster c1", clusterStates, "c1/labels=NonCompliant", "c1/privileged=Compliant")
	labels, _ := collectStates(t, c.NewListQueryResultsForSubscriptionLevelPolicyAssignmentPager(latestStates, sub, "labels", nil, nil),
		func(p pi.PolicyStatesClientListQueryResultsForSubscriptionLevelPolicyAssignmentResponse) []*pi.PolicyState {
			return p.Value
		})
	assertKeys(t, "assignment labels", labels, "c1/labels=NonCompliant", "c2/labels=Compliant", "c3/labels=Unknown")
	privileged, _ := collectStates(t, c.NewListQueryResultsForResourceGroupLevelPolicyAssignmentPager(latestStates, sub, rg, "privileged", nil, nil),
		func(p pi.PolicyStatesClientListQueryResultsForResourceGroupLevelPolicyAssignmentResponse) []*pi.PolicyState {
			return p.Value
		})
	assertKeys(t, "assignment privileged", privileged, "c1/privileged=Compliant", "c2/privileged=Error")

	if _, err := c.SummarizeForSubscription(ctx, pi.PolicyStatesSummaryResourceTypeLatest, sub, nil, nil); err != nil {
		t.Fatal(err)
	}
}

// TestAzureSDKSummarizesPolicyStates checks the summaries: a resource or policy counts once,
// by its worst state in Azure Policy's ranking (NonCompliant, Compliant, Error, Unknown).
func TestAzureSDKSummarizesPolicyStates(t *testing.T) {
	f := newInsightsFixture(t)
	ctx := context.Background()
	c := sdkClient(f.th, pi.NewClientFactory).NewPolicyStatesClient()
	const latestSummary = pi.PolicyStatesSummaryResourceTypeLatest

	got, err := c.SummarizeForSubscription(ctx, latestSummary, sub, nil, nil)
	if err != nil {
		t.Fatalf("SummarizeForSubscription: %v", err)
	}
	if len(got.Value) != 1 {
		t.Fatalf("summaries = %s", mustJSON(t, got))
	}
	s := got.Value[0]
	// c1 is non-compliant, c2 compliant (Compliant outranks Error), c3 unknown; labels is
	// non-compliant, privileged compliant.
	assertResults(t, "subscription", s.Results, 1, 1, "noncompliant=1 compliant=1 unknown=1", "noncompliant=1 compliant=1")
	if len(s.PolicyAssignments) != 2 || *s.PolicyAssignments[0].PolicyAssignmentID != f.labels.id {
		t.Fatalf("assignments = %s", mustJSON(t, s.PolicyAssignments))
	}
	l := s.PolicyAssignments[0]
	assertResults(t, "labels", l.Results, 1, 1, "noncompliant=1 compliant=1 unknown=1", "noncompliant=1")
	if len(l.PolicyDefinitions) != 1 || *l.PolicyDefinitions[0].PolicyDefinitionID != f.labels.definitionID ||
		*l.PolicyDefinitions[0].Effect != "deny" || *l.PolicyDefinitions[0].Results.NonCompliantResources != 1 {
		t.Errorf("labels' definitions = %s", mustJSON(t, l.PolicyDefinitions))
	}
	assertResults(t, "privileged", s.PolicyAssignments[1].Results, 0, 0, "compliant=1 error=1", "compliant=1")

	top, err := c.SummarizeForSubscription(ctx, latestSummary, sub, &pi.QueryOptions{Top: to.Ptr[int32](1)}, nil)
	if err != nil || len(top.Value[0].PolicyAssignments) != 1 || *top.Value[0].PolicyAssignments[0].PolicyAssignmentID != f.labels.id {
		t.Errorf("$top=1: %v %s", err, mustJSON(t, top))
	}
	group, err := c.SummarizeForResourceGroup(ctx, latestSummary, sub, otherRG, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertResults(t, otherRG, group.Value[0].Results, 0, 0, "unknown=1", "unknown=1")
	cluster, err := c.SummarizeForResource(ctx, latestSummary, clusterPath(sub, rg, "c2"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertResults(t, "c2", cluster.Value[0].Results, 0, 0, "compliant=1", "compliant=1 error=1")
	filtered, err := c.SummarizeForSubscriptionLevelPolicyAssignment(ctx, latestSummary, sub, "labels",
		&pi.QueryOptions{Filter: to.Ptr("resourceGroup eq '" + rg + "'")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertResults(t, "labels in "+rg, filtered.Value[0].Results, 1, 1, "noncompliant=1 compliant=1", "noncompliant=1")
	privileged, err := c.SummarizeForResourceGroupLevelPolicyAssignment(ctx, latestSummary, sub, rg, "privileged", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if as := privileged.Value[0].PolicyAssignments; len(as) != 1 || *as[0].PolicyAssignmentID != f.privileged.id {
		t.Errorf("privileged's summary = %s", mustJSON(t, privileged))
	}
}

func assertResults(t *testing.T, what string, r *pi.SummaryResults, resources, policies int32, resourceDetails, policyDetails string) {
	t.Helper()
	details := func(ds []*pi.ComplianceDetail) string {
		parts := make([]string, 0, len(ds))
		for _, d := range ds {
			parts = append(parts, fmt.Sprintf("%s=%d", *d.ComplianceState, *d.Count))
		}
		return strings.Join(parts, " ")
	}
	if *r.NonCompliantResources != resources || *r.NonCompliantPolicies != policies ||
		details(r.ResourceDetails) != resourceDetails || details(r.PolicyDetails) != policyDetails {
		t.Errorf("%s: results = %s, want %d non-compliant resources, %d policies, resources %q, policies %q",
			what, mustJSON(t, r), resources, policies, resourceDetails, policyDetails)
	}
}

// TestAzureSDKQueriesComponentPolicyStates: one state per violating Kubernetes object.
func TestAzureSDKQueriesComponentPolicyStates(t *testing.T) {
	f := newInsightsFixture(t)
	ctx := context.Background()
	c := sdkClient(f.th, pi.NewClientFactory).NewComponentPolicyStatesClient()

	got, err := c.ListQueryResultsForResource(ctx, clusterPath(sub, rg, "c1"), pi.ComponentPolicyStatesResourceLatest, nil)
	if err != nil {
		t.Fatalf("ListQueryResultsForResource: %v", err)
	}
	comps := make([]string, 0, len(got.Value))
	for _, s := range got.Value {
		comps = append(comps, *s.ComponentType+":"+*s.ComponentID+":"+*s.ComponentName+":"+*s.ComplianceState+":"+*s.PolicyAssignmentName)
		if *s.ResourceID != clusterPath(sub, rg, "c1") || *s.PolicyDefinitionID != f.labels.definitionID ||
			s.PolicyEvaluationDetails == nil || !strings.HasPrefix(*s.PolicyEvaluationDetails.Reason, "you must provide labels") {
			t.Errorf("component state = %s", mustJSON(t, s))
		}
	}
	slices.Sort(comps)
	if want := []string{"namespace:team-a:team-a:NonCompliant:labels", "pod:default/web:web:NonCompliant:labels"}; !slices.Equal(comps, want) {
		t.Errorf("components = %v, want %v", comps, want)
	}

	pods, err := c.ListQueryResultsForSubscription(ctx, sub, pi.ComponentPolicyStatesResourceLatest,
		&pi.ComponentPolicyStatesClientListQueryResultsForSubscriptionOptions{Filter: to.Ptr("componentType eq 'Pod'")})
	if err != nil || len(pods.Value) != 1 || *pods.Value[0].ComponentID != "default/web" {
		t.Errorf("pods: %v %s", err, mustJSON(t, pods))
	}
	none, err := c.ListQueryResultsForResourceGroup(ctx, sub, otherRG, pi.ComponentPolicyStatesResourceLatest, nil)
	if err != nil || len(none.Value) != 0 {
		t.Errorf("%s: %v %s", otherRG, err, mustJSON(t, none))
	}
}

// TestPolicyInsightsRefusesWhatItCannotAnswer: 4xx ARM errors that say what is supported.
func TestPolicyInsightsRefusesWhatItCannotAnswer(t *testing.T) {
	f := newInsightsFixture(t)
	c := sdkClient(f.th, pi.NewClientFactory).NewPolicyStatesClient()
	for _, tc := range []struct {
		opts *pi.QueryOptions
		want string
	}{
		{&pi.QueryOptions{Filter: to.Ptr("contains(resourceId, 'c1')")}, "The hub supports comparisons"},
		{&pi.QueryOptions{Filter: to.Ptr("owner eq 'me'")}, "unknown field 'owner'"},
		{&pi.QueryOptions{Filter: to.Ptr("isCompliant eq 'yes'")}, "compared with true or false"},
		{&pi.QueryOptions{Apply: to.Ptr("groupby((ResourceId))")}, "$apply is not supported"},
		{&pi.QueryOptions{OrderBy: to.Ptr("owner desc")}, "$orderby 'owner desc' is not supported"},
		{&pi.QueryOptions{Filter: to.Ptr(strings.Repeat("(", 5000))}, "the hub takes at most 4096 (4 KiB)"},
		{&pi.QueryOptions{Filter: to.Ptr(strings.Repeat("not ", 40) + "isCompliant eq true")}, "nest deeper than 32"},
	} {
		_, err := c.NewListQueryResultsForSubscriptionPager(latestStates, sub, tc.opts, nil).NextPage(context.Background())
		var respErr *azcore.ResponseError
		if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusBadRequest || respErr.ErrorCode != "InvalidQueryParameterValue" ||
			!strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want a 400 saying %q", tc.opts, err, tc.want)
		}
		if respErr != nil && len(respErr.Error()) > 4096 {
			t.Errorf("%+v: the 400 is %d bytes long, want the user's input cut short", tc.opts, len(respErr.Error()))
		}
	}

	base := "/subscriptions/" + sub + "/providers/Microsoft.PolicyInsights/policyStates/"
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPost, base + "default/queryResults?api-version=2024-10-01", http.StatusBadRequest, "InvalidParameter"},
		{http.MethodPost, base + "latest/queryResults?api-version=2019-10-01", http.StatusBadRequest, "InvalidApiVersionParameter"},
		{http.MethodPost, base + "latest/queryResults?api-version=2024-10-01&$top=0", http.StatusBadRequest, "InvalidQueryParameterValue"},
		{http.MethodPost, base + "latest/queryResults?api-version=2024-10-01&$skiptoken=x", http.StatusBadRequest, "InvalidQueryParameterValue"},
		{http.MethodPost, clusterPath(sub, rg, "gone") + "/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults?api-version=2024-10-01",
			http.StatusNotFound, "ResourceNotFound"},
		{http.MethodPost, clusterPath(sub, rg, "-bad-") + "/providers/microsoft.policyinsights/POLICYSTATES/Latest/queryresults?api-version=2024-10-01",
			http.StatusBadRequest, "InvalidParameter"},
		{http.MethodGet, "/subscriptions/" + sub + "/providers/Microsoft.PolicyInsights/asyncOperationResults/nope?api-version=2024-10-01",
			http.StatusNotFound, "ResourceNotFound"},
	} {
		if r := f.th.do(tc.method, tc.path, f.th.AdminToken, nil); r.status != tc.status || r.errorCode() != tc.code {
			t.Errorf("%s %s = %d %s, want %d %s", tc.method, tc.path, r.status, r.raw, tc.status, tc.code)
		}
	}
}

// TestPolicyStatesFollowTheCallersScope: a reader of a resource group reads its clusters'
// states only, and cannot trigger an evaluation.
func TestPolicyStatesFollowTheCallersScope(t *testing.T) {
	f := newInsightsFixture(t)
	reader := f.th.token(f.th.AdminToken, "reader", "Reader", "/subscriptions/"+sub+"/resourceGroups/"+otherRG)
	factory, err := pi.NewClientFactory(sub, staticToken(reader), f.th.sdkOptions())
	if err != nil {
		t.Fatal(err)
	}
	c := factory.NewPolicyStatesClient()
	assertKeys(t, "the reader's subscription states", subStates(t, c, nil), "c3/labels=Unknown")
	_, err = c.NewListQueryResultsForResourcePager(latestStates, clusterPath(sub, rg, "c1"), nil, nil).NextPage(context.Background())
	var respErr *azcore.ResponseError
	if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusForbidden {
		t.Errorf("reading c1's states: %v, want 403", err)
	}
	_, err = c.BeginTriggerResourceGroupEvaluation(context.Background(), sub, otherRG, nil)
	if !errors.As(err, &respErr) || respErr.StatusCode != http.StatusForbidden || respErr.ErrorCode != "AuthorizationFailed" {
		t.Errorf("a reader's trigger: %v, want 403", err)
	}
}

// TestAzureSDKTriggersPolicyEvaluation: triggerEvaluation sets a new evaluation request on
// every PolicySync in scope, the agents see it on their watch and echo it, and the SDK's
// poller completes once all have; a silent agent holds it only for the bounded wait.
func TestAzureSDKTriggersPolicyEvaluation(t *testing.T) {
	f := newInsightsFixture(t)
	ctx := context.Background()
	c := sdkClient(f.th, pi.NewClientFactory).NewPolicyStatesClient()
	name := protocol.PolicySyncName(f.labels.id)
	watch := f.th.watchFromNow(f.c3)

	poller, err := c.BeginTriggerResourceGroupEvaluation(ctx, sub, otherRG, nil)
	if err != nil {
		t.Fatalf("BeginTriggerResourceGroupEvaluation: %v", err)
	}
	e := watch.next()
	var spec protocol.PolicySyncSpec
	if e.Type != protocol.Modified || e.Object.Kind != protocol.KindPolicySync || e.Object.Name != name ||
		json.Unmarshal(e.Object.Spec, &spec) != nil || spec.EvaluationRequest == "" || spec.AssignmentID != f.labels.id || spec.Template == "" {
		t.Fatalf("the agent saw %+v, want its PolicySync with an evaluation request", e)
	}
	if pollOnce(t, poller) {
		t.Fatal("done before the agent answers")
	}
	f.th.reportStatus(f.c3, protocol.KindPolicySync, name, e.Object.ResourceVersion, protocol.PolicySyncStatus{
		ComplianceState: protocol.PolicyCompliant, AuditTimestamp: "2026-11-23T11:00:00Z", EvaluationRequest: spec.EvaluationRequest})
	if _, err := poller.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("PollUntilDone: %v", err)
	}
	assertKeys(t, "after the evaluation", subStates(t, c, &pi.QueryOptions{Filter: to.Ptr("resourceGroup eq '" + otherRG + "'")}), "c3/labels=Compliant")
	if _, other := desiredObject[protocol.PolicySyncSpec](f.th, f.c1, protocol.KindPolicySync, protocol.PolicySyncName(f.privileged.id)); other == nil || other.EvaluationRequest != "" {
		t.Errorf("privileged, which applies to no cluster of %s, got an evaluation request: %+v", otherRG, other)
	}

	// The subscription: c1 and c2 answer, c3 stays silent until the wait ends.
	sp, err := c.BeginTriggerSubscriptionEvaluation(ctx, sub, nil)
	if err != nil {
		t.Fatalf("BeginTriggerSubscriptionEvaluation: %v", err)
	}
	for _, agent := range []*http.Client{f.c1, f.c2} {
		for _, a := range []syncedAssignment{f.labels, f.privileged} {
			f.th.echoEvaluation(agent, a)
		}
	}
	if pollOnce(t, sp) {
		t.Fatal("done while c3 is silent")
	}
	f.th.Clock.Advance(policyinsights.DefaultEvaluationTimeout)
	if _, err := sp.PollUntilDone(ctx, fastPoll); err != nil {
		t.Fatalf("PollUntilDone after the bounded wait: %v", err)
	}
}

// pollOnce polls an operation once and reports whether it is done.
func pollOnce[T any](t *testing.T, p *runtime.Poller[T]) bool {
	t.Helper()
	resp, err := p.Poll(context.Background())
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	_ = resp.Body.Close()
	return p.Done()
}

// watchFromNow opens the agent's watch from its current desired state.
func (th *testHub) watchFromNow(agent *http.Client) *watcher {
	th.t.Helper()
	r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	var state protocol.DesiredState
	if err := json.Unmarshal([]byte(r.raw), &state); err != nil {
		th.t.Fatalf("desired state: %d %s", r.status, r.raw)
	}
	w, status := th.watch(agent, state.ResourceVersion)
	if w == nil {
		th.t.Fatalf("watch: %d", status)
	}
	return w
}

// echoEvaluation reports the assignment's PolicySync compliant, echoing its evaluation request.
func (th *testHub) echoEvaluation(agent *http.Client, a syncedAssignment) {
	th.t.Helper()
	_, spec := desiredObject[protocol.PolicySyncSpec](th, agent, protocol.KindPolicySync, protocol.PolicySyncName(a.id))
	if spec == nil || spec.EvaluationRequest == "" {
		th.t.Fatalf("no evaluation request on %s: %+v", a.name(), spec)
	}
	th.reportPolicySync(agent, a, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, EvaluationRequest: spec.EvaluationRequest})
}
