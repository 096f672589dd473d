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
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Helpers for policy definitions and assignments: fixtures, and what the clusters' agents see.

const (
	apiPolicy = "?api-version=2025-03-01"
	// Built-in definitions the hub ships.
	builtinNoPrivilege   = "95edb821-ddaf-4404-9732-666045e056b4"
	builtinAllowedImages = "febd0533-8e55-448f-b837-bd0e06f16469"
)

func builtinDefinitionID(name string) string {
	return "/providers/Microsoft.Authorization/policyDefinitions/" + name
}

func customDefinitionID(name string) string {
	return "/subscriptions/" + sub + "/providers/Microsoft.Authorization/policyDefinitions/" + name
}

func subscriptionScope() string { return "/subscriptions/" + sub }

func groupScope(group string) string { return subscriptionScope() + "/resourceGroups/" + group }

// namespaceLabelsTemplate requires namespaces to carry labels.
const namespaceLabelsTemplate = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8snamespacelabels
spec:
  crd:
    spec:
      names:
        kind: K8sNamespaceLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8snamespacelabels
        violation[{"msg": msg}] {
          missing := {l | l := input.parameters.labels[_]} - {l | input.review.object.metadata.labels[l]}
          count(missing) > 0
          msg := sprintf("missing labels %v", [missing])
        }
`

// labelsDefinition is a custom Kubernetes definition: namespaces must carry the labels of the
// parameter labels, with a parameterised effect (deny by default).
func labelsDefinition(templateInfo map[string]any) armpolicy.Definition {
	return armpolicy.Definition{Properties: &armpolicy.DefinitionProperties{
		Mode: to.Ptr("Microsoft.Kubernetes.Data"), DisplayName: to.Ptr("Namespaces must have labels"),
		Description: to.Ptr("Requires namespaces to carry labels."),
		Metadata:    map[string]any{"category": "Kubernetes"},
		Parameters: map[string]*armpolicy.ParameterDefinitionsValue{
			"labels": {Type: to.Ptr(armpolicy.ParameterTypeArray), Metadata: &armpolicy.ParameterDefinitionsValueMetadata{DisplayName: to.Ptr("Labels")}},
			"effect": {Type: to.Ptr(armpolicy.ParameterTypeString), AllowedValues: []any{"audit", "deny", "disabled"}, DefaultValue: "deny"},
		},
		PolicyRule: map[string]any{
			"if": map[string]any{"field": "type", "equals": "Microsoft.Kubernetes/connectedClusters"},
			"then": map[string]any{"effect": "[parameters('effect')]", "details": map[string]any{
				"templateInfo": templateInfo, "apiGroups": []string{""}, "kinds": []string{"Namespace"},
				"values": map[string]any{"labels": "[parameters('labels')]"},
			}},
		},
	}}
}

// inlineTemplate is a templateInfo with the template's content.
func inlineTemplate(template string) map[string]any {
	return map[string]any{"sourceType": "Base64Encoded", "content": base64.StdEncoding.EncodeToString([]byte(template))}
}

// assignment is an assignment of the definition defID with parameters (name → value).
func assignment(defID string, params map[string]any) armpolicy.Assignment {
	a := armpolicy.Assignment{Properties: &armpolicy.AssignmentProperties{PolicyDefinitionID: to.Ptr(defID),
		Parameters: map[string]*armpolicy.ParameterValuesValue{}}}
	for name, v := range params {
		a.Properties.Parameters[name] = &armpolicy.ParameterValuesValue{Value: v}
	}
	return a
}

// policySyncs returns the PolicySync specs of the agent's desired state, by object name.
func (th *testHub) policySyncs(agent *http.Client) map[string]protocol.PolicySyncSpec {
	th.t.Helper()
	r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	var state protocol.DesiredState
	if err := json.Unmarshal([]byte(r.raw), &state); err != nil {
		th.t.Fatalf("desired state: %d %s", r.status, r.raw)
	}
	out := map[string]protocol.PolicySyncSpec{}
	for _, obj := range state.Items {
		if obj.Kind != protocol.KindPolicySync {
			continue
		}
		var spec protocol.PolicySyncSpec
		if err := json.Unmarshal(obj.Spec, &spec); err != nil {
			th.t.Fatal(err)
		}
		out[obj.Name] = spec
	}
	return out
}

// wantPolicySyncs fails the test unless the agent's PolicySyncs are of the assignments ids.
func (th *testHub) wantPolicySyncs(agent *http.Client, what string, ids ...string) map[string]protocol.PolicySyncSpec {
	th.t.Helper()
	got := th.policySyncs(agent)
	ok := len(got) == len(ids)
	for _, id := range ids {
		ok = ok && strings.EqualFold(got[protocol.PolicySyncName(id)].AssignmentID, id)
	}
	if !ok {
		names := make([]string, 0, len(got))
		for _, s := range got {
			names = append(names, s.AssignmentID)
		}
		th.t.Errorf("%s: PolicySyncs of %v, want of %v", what, names, ids)
	}
	return got
}

// wantBadRequest fails the test unless err is an ARM 400 whose message names field.
func wantBadRequest(t *testing.T, what string, err error, field string) {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), field) {
		t.Errorf("%s: %v; want a 400 naming %q", what, err, field)
	}
}

// pagedNames returns the names on every page of a pager.
func pagedNames[R any](t *testing.T, p *runtime.Pager[R], names func(R) []string) []string {
	t.Helper()
	var out []string
	for p.More() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		out = append(out, names(page)...)
	}
	slices.Sort(out)
	return out
}

// assignmentNames are the names of a page of assignments.
func assignmentNames(list armpolicy.AssignmentListResult) []string {
	out := make([]string, 0, len(list.Value))
	for _, a := range list.Value {
		out = append(out, *a.Name)
	}
	return out
}

// jsonOf is v as JSON.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
