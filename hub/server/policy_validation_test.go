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
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestPolicyAssignmentValidation: every invalid assignment is a 400 that names the property,
// through the Azure SDK, and nothing of it is stored.
func TestPolicyAssignmentValidation(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	th.createCluster(sub, rg, "c1")
	defs, c := sdkClient(th, armpolicy.NewDefinitionsClient), sdkClient(th, armpolicy.NewAssignmentsClient)
	if _, err := defs.CreateOrUpdate(ctx, "ns-labels", labelsDefinition(inlineTemplate(namespaceLabelsTemplate)), nil); err != nil {
		t.Fatal(err)
	}
	labels := customDefinitionID("ns-labels")
	for _, tt := range []struct {
		name  string
		a     armpolicy.Assignment
		field string
	}{
		{"no definition", armpolicy.Assignment{Properties: &armpolicy.AssignmentProperties{}}, "properties.policyDefinitionId"},
		{"unknown definition", assignment(customDefinitionID("nope"), nil), "properties.policyDefinitionId"},
		{"definition of another subscription", assignment("/subscriptions/other/providers/Microsoft.Authorization/policyDefinitions/ns-labels", nil), "properties.policyDefinitionId"},
		{"policy set", assignment("/providers/Microsoft.Authorization/policySetDefinitions/x", nil), "properties.policyDefinitionId"},
		{"missing required parameter", assignment(labels, nil), "properties.parameters.labels"},
		{"value outside allowedValues", assignment(labels, map[string]any{"labels": []string{"a"}, "effect": "Block"}), "properties.parameters.effect"},
		{"wrong type", assignment(labels, map[string]any{"labels": "team"}), "properties.parameters.labels"},
		{"unknown parameter", assignment(labels, map[string]any{"labels": []string{"a"}, "nope": 1}), "properties.parameters.nope"},
		{"enforcement mode", withEnforcement(assignment(labels, map[string]any{"labels": []string{"a"}}), armpolicy.EnforcementModeEnroll), "properties.enforcementMode"},
		{"not scope outside the scope", withNotScope(assignment(labels, map[string]any{"labels": []string{"a"}}), "/subscriptions/other"), "properties.notScopes[0]"},
		{"built-in without its required parameter", assignment(builtinDefinitionID(builtinAllowedImages), nil), "properties.parameters.allowedContainerImagesRegex"},
	} {
		_, err := c.Create(ctx, groupScope(rg), "a", tt.a, nil)
		wantBadRequest(t, tt.name, err, tt.field)
	}
	if _, err := c.Get(ctx, groupScope(rg), "a", nil); err == nil {
		t.Error("a refused assignment was stored")
	}
	_, err := c.Create(ctx, clusterPath(sub, rg, "missing"), "a", assignment(builtinDefinitionID(builtinNoPrivilege), nil), nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Errorf("an assignment at a missing cluster: %v, want 404", err)
	}
}

func withEnforcement(a armpolicy.Assignment, mode armpolicy.EnforcementMode) armpolicy.Assignment {
	a.Properties.EnforcementMode = to.Ptr(mode)
	return a
}

func withNotScope(a armpolicy.Assignment, scope string) armpolicy.Assignment {
	a.Properties.NotScopes = []*string{to.Ptr(scope)}
	return a
}

// TestPolicyDefinitionValidation: a template that is not a Gatekeeper ConstraintTemplate, and
// the other mistakes of a definition, are a 400 naming the property; a definition of another
// mode is stored, and its assignments are never pushed.
func TestPolicyDefinitionValidation(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	defs, c := sdkClient(th, armpolicy.NewDefinitionsClient), sdkClient(th, armpolicy.NewAssignmentsClient)
	agent := th.agentInGroup(rg, "c1")
	template := func(old, new string) armpolicy.Definition {
		return labelsDefinition(inlineTemplate(strings.Replace(namespaceLabelsTemplate, old, new, 1)))
	}
	details := func(d armpolicy.Definition, key string, v any) armpolicy.Definition {
		d.Properties.PolicyRule.(map[string]any)["then"].(map[string]any)["details"].(map[string]any)[key] = v
		return d
	}
	good := func() armpolicy.Definition { return labelsDefinition(inlineTemplate(namespaceLabelsTemplate)) }
	for _, tt := range []struct {
		name  string
		def   armpolicy.Definition
		field string
	}{
		{"not a ConstraintTemplate", template("kind: ConstraintTemplate", "kind: ConfigMap"), "kind 'ConfigMap'"},
		{"v1beta1, which the agent does not apply", template("templates.gatekeeper.sh/v1", "templates.gatekeeper.sh/v1beta1"), "set apiVersion: templates.gatekeeper.sh/v1"},
		{"a label selector the agent refuses", details(good(), "labelSelector", map[string]any{"matchExpressions": []any{map[string]any{"key": "a", "operator": "Near"}}}),
			"then.details.labelSelector"},
		{"a label selector with an unknown field", details(good(), "labelSelector", map[string]any{"matchLabel": map[string]any{"a": "b"}}), "then.details.labelSelector"},
		{"name is not the kind", template("name: k8snamespacelabels", "name: labels"), "metadata.name"},
		{"other apiVersion", template("templates.gatekeeper.sh/v1", "templates.gatekeeper.sh/v2"), "apiVersion"},
		{"an unknown template field (no rego)", template("rego: |", "engine: |"), "unknown field"},
		{"not base64", labelsDefinition(map[string]any{"sourceType": "Base64Encoded", "content": "%%%"}), "templateInfo.content"},
		{"no templateInfo", labelsDefinition(nil), "templateInfo"},
		{"a URL that is not https", labelsDefinition(map[string]any{"sourceType": "PublicURL", "url": "file:///etc/passwd"}), "templateInfo.url"},
		{"undefined parameter", details(good(), "namespaces", "[parameters('nope')]"), "the parameter 'nope'"},
		{"wrong parameter type", details(good(), "namespaces", "[parameters('effect')]"), "then.details.namespaces"},
		{"unsupported expression", details(good(), "namespaces", "[concat('a')]"), "then.details.namespaces"},
	} {
		_, err := defs.CreateOrUpdate(ctx, "bad", tt.def, nil)
		wantBadRequest(t, tt.name, err, tt.field)
	}

	all := armpolicy.Definition{Properties: &armpolicy.DefinitionProperties{Mode: to.Ptr("All"),
		PolicyRule: map[string]any{"if": map[string]any{"field": "location", "notEquals": "westeurope"}, "then": map[string]any{"effect": "deny"}}}}
	if _, err := defs.CreateOrUpdate(ctx, "locations", all, nil); err != nil {
		t.Fatalf("a definition of mode All: %v", err)
	}
	if _, err := c.Create(ctx, subscriptionScope(), "locations", assignment(customDefinitionID("locations"), nil), nil); err != nil {
		t.Fatalf("assigning a definition of mode All: %v", err)
	}
	th.wantPolicySyncs(agent, "an assignment of mode All")
	if got := extensionsOf(t, th, rg, "c1"); len(got) != 0 {
		t.Errorf("an assignment of mode All added the extensions %v", got)
	}
}

// TestPolicyDefinitionChangeReachesClusters: a changed definition is resolved anew for its
// assignments and pushed; a change no assignment could keep, and deleting a definition in
// use, are refused.
func TestPolicyDefinitionChangeReachesClusters(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	defs, c := sdkClient(th, armpolicy.NewDefinitionsClient), sdkClient(th, armpolicy.NewAssignmentsClient)
	agent := th.agentInGroup(rg, "c1")
	def := labelsDefinition(inlineTemplate(namespaceLabelsTemplate))
	if _, err := defs.CreateOrUpdate(ctx, "ns-labels", def, nil); err != nil {
		t.Fatal(err)
	}
	a, err := c.Create(ctx, subscriptionScope(), "labels", assignment(customDefinitionID("ns-labels"), map[string]any{"labels": []string{"team"}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	def.Properties.Parameters["effect"].DefaultValue = "audit"
	if _, err := defs.CreateOrUpdate(ctx, "ns-labels", def, nil); err != nil {
		t.Fatalf("changing the default effect: %v", err)
	}
	if got := th.wantPolicySyncs(agent, "after the definition changed", *a.ID); got[protocol.PolicySyncName(*a.ID)].EnforcementAction != "dryrun" {
		t.Errorf("after the default effect became audit: %+v, want dryrun", got)
	}
	def.Properties.Parameters["team"] = &armpolicy.ParameterDefinitionsValue{Type: to.Ptr(armpolicy.ParameterTypeString)}
	_, err = defs.CreateOrUpdate(ctx, "ns-labels", def, nil)
	wantBadRequest(t, "a new required parameter the assignment lacks", err, "properties.parameters.team")

	_, err = defs.Delete(ctx, "ns-labels", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusConflict {
		t.Errorf("deleting a definition in use: %v, want 409", err)
	}
}

// TestBadPolicyRequestsAre4xx: malformed requests get an ARM 4xx, never a 5xx.
func TestBadPolicyRequestsAre4xx(t *testing.T) {
	th := newTestHub(t)
	assignments := groupScope(rg) + "/providers/Microsoft.Authorization/policyAssignments/"
	definitions := subscriptionScope() + "/providers/Microsoft.Authorization/policyDefinitions/"
	for _, tt := range []struct {
		method, path string
		body         any
		status       int
	}{
		{http.MethodPut, assignments + "a" + apiPolicy, "{", http.StatusBadRequest},
		{http.MethodPut, assignments + "a" + apiPolicy, "[]", http.StatusBadRequest},
		{http.MethodPut, assignments + "a" + apiPolicy, `{"properties": null}`, http.StatusBadRequest},
		{http.MethodPut, assignments + "a" + apiPolicy, `{"properties": {"policyDefinitionId": 1}}`, http.StatusBadRequest},
		{http.MethodPut, assignments + "a" + apiPolicy, `{"properties": {"policyDefinitionId": "x", "notScopes": "y"}}`, http.StatusBadRequest},
		{http.MethodPut, assignments + "a.b" + apiPolicy, `{"properties": {}}`, http.StatusBadRequest},
		{http.MethodPut, assignments + "a", `{"properties": {}}`, http.StatusBadRequest},
		{http.MethodPut, assignments + "a?api-version=2019-01-01", `{"properties": {}}`, http.StatusBadRequest},
		{http.MethodGet, assignments + "a" + apiPolicy + "&$filter=name%20eq%20'x'", nil, http.StatusNotFound},
		{http.MethodGet, groupScope(rg) + "/providers/Microsoft.Authorization/policyAssignments" + apiPolicy + "&$filter=nonsense", nil, http.StatusBadRequest},
		{http.MethodGet, groupScope(rg) + "/providers/Microsoft.Authorization/policyAssignments" + apiPolicy + "&$top=0", nil, http.StatusBadRequest},
		{http.MethodPut, definitions + "d" + apiPolicy, `{"properties": {"mode": "Microsoft.Kubernetes.Data", "policyRule": "x"}}`, http.StatusBadRequest},
		{http.MethodPut, definitions + "d" + apiPolicy, `{"properties": {"mode": "All", "policyType": "BuiltIn", "policyRule": {"if": {}, "then": {"effect": "deny"}}}}`, http.StatusBadRequest},
		{http.MethodPut, definitions + "d" + apiPolicy, `{"properties": {"parameters": {"p": null}, "policyRule": {"if": {}, "then": {"effect": "deny"}}}}`, http.StatusBadRequest},
		{http.MethodGet, definitions + "missing" + apiPolicy, nil, http.StatusNotFound},
		{http.MethodGet, "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters/missing/providers/Microsoft.Authorization/policyAssignments/a" + apiPolicy, nil, http.StatusNotFound},
		{http.MethodDelete, definitions + "missing" + apiPolicy, nil, http.StatusNoContent},
		{http.MethodDelete, assignments + "missing" + apiPolicy, nil, http.StatusNoContent},
	} {
		r := th.do(tt.method, tt.path, th.AdminToken, tt.body)
		if r.status != tt.status || (r.status >= 400 && r.errorCode() == "") {
			t.Errorf("%s %s %v: %d %s, want %d with an ARM error", tt.method, tt.path, tt.body, r.status, r.raw, tt.status)
		}
	}
}
