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
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"
)

// fromJSON decodes an ARM document into a new T, as the client does.
func fromJSON[T any](t *testing.T, doc string) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		t.Fatal(err)
	}
	return v
}

// squeeze folds runs of spaces, so that tests do not depend on column widths.
func squeeze(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func TestPolicyViews(t *testing.T) {
	const sub = "/subscriptions/s1"
	const rg = sub + "/resourceGroups/edge-eu"
	const cluster = rg + "/providers/Microsoft.Kubernetes/connectedClusters/store-042"
	def := fromJSON[armpolicy.Definition](t, `{"id":"`+sub+`/providers/Microsoft.Authorization/policyDefinitions/labels","name":"labels",
		"properties":{"policyType":"Custom","mode":"Microsoft.Kubernetes.Data","displayName":"Labels","metadata":{"version":"1.0.0","category":"Kubernetes"},
		"policyRule":{"if":{},"then":{"effect":"[parameters('effect')]","details":{"templateInfo":{"sourceType":"Base64Encoded","content":"YWJj"},"kinds":["Namespace"]}}},
		"parameters":{"labels":{"type":"Array"},"effect":{"type":"String","defaultValue":"audit","allowedValues":["audit","deny"]}}}}`)
	builtIn := fromJSON[armpolicy.Definition](t, `{"name":"b1","properties":{"policyType":"BuiltIn","mode":"Microsoft.Kubernetes.Data",
		"policyRule":{"then":{"details":{"templateInfo":{"sourceType":"PublicURL","url":"https://example.com/t.yaml"}}}}}}`)
	assignment := fromJSON[armpolicy.Assignment](t, `{"id":"`+rg+`/providers/Microsoft.Authorization/policyAssignments/ns-labels","name":"ns-labels",
		"properties":{"policyDefinitionId":"`+sub+`/providers/Microsoft.Authorization/policyDefinitions/labels","enforcementMode":"DoNotEnforce",
		"notScopes":["`+cluster+`"],"parameters":{"labels":{"value":["team"]},"effect":{"value":"deny"}},
		"nonComplianceMessages":[{"message":"Namespaces need a team label."}]}}`)
	state := fromJSON[armpolicyinsights.PolicyState](t, `{"resourceId":"`+cluster+`","resourceGroup":"edge-eu","policyAssignmentName":"ns-labels",
		"policyDefinitionAction":"deny","complianceState":"NonCompliant","timestamp":"2026-05-01T10:00:00Z"}`)
	summary := fromJSON[armpolicyinsights.Summary](t, `{"results":{"nonCompliantResources":1,"nonCompliantPolicies":1,
		"resourceDetails":[{"complianceState":"compliant","count":2},{"complianceState":"noncompliant","count":1}]},
		"policyAssignments":[{"policyAssignmentId":"`+rg+`/providers/Microsoft.Authorization/policyAssignments/ns-labels",
		"results":{"nonCompliantResources":1,"nonCompliantPolicies":1,"resourceDetails":[{"complianceState":"noncompliant","count":1}]}}]}`)
	for _, tc := range []struct {
		name  string
		write func(io.Writer) error
		want  string
	}{
		{name: "definition table", write: func(w io.Writer) error { return writeDefinitionTable(w, []*armpolicy.Definition{def, builtIn}) },
			want: "NAME TYPE MODE DISPLAY NAME\nlabels Custom Microsoft.Kubernetes.Data Labels\nb1 BuiltIn Microsoft.Kubernetes.Data -"},
		{name: "definition details", write: func(w io.Writer) error { return writeDefinitionDetails(w, def) },
			want: "Name: labels\nID: " + sub + "/providers/Microsoft.Authorization/policyDefinitions/labels\nPolicy type: Custom\n" +
				"Mode: Microsoft.Kubernetes.Data\nDisplay name: Labels\nDescription: -\nEffect: [parameters('effect')]\n" +
				"Template: Base64Encoded (4 characters)\nKinds: [\"Namespace\"]\nMetadata: category=Kubernetes, version=1.0.0\n" +
				"Parameter: effect (String) default audit allowed audit, deny\nParameter: labels (Array)"},
		{name: "built-in template", write: func(w io.Writer) error { return writeDefinitionDetails(w, builtIn) },
			want: "Name: b1\nID: -\nPolicy type: BuiltIn\nMode: Microsoft.Kubernetes.Data\nDisplay name: -\nDescription: -\nEffect: -\n" +
				"Template: PublicURL https://example.com/t.yaml\nKinds: -\nMetadata: -"},
		{name: "assignment table", write: func(w io.Writer) error { return writeAssignmentTable(w, []*armpolicy.Assignment{assignment}) },
			want: "NAME SCOPE POLICY ENFORCEMENT MODE\nns-labels " + rg + " labels DoNotEnforce"},
		{name: "assignment details", write: func(w io.Writer) error { return writeAssignmentDetails(w, assignment) },
			want: "Name: ns-labels\nScope: " + rg + "\nID: " + rg + "/providers/Microsoft.Authorization/policyAssignments/ns-labels\n" +
				"Policy: " + sub + "/providers/Microsoft.Authorization/policyDefinitions/labels\nDisplay name: -\nDescription: -\n" +
				"Enforcement mode: DoNotEnforce\nNot scopes: " + cluster + "\nParameter: effect = deny\nParameter: labels = [\"team\"]\n" +
				"Non-compliance message: Namespaces need a team label."},
		{name: "state table", write: func(w io.Writer) error { return writeStateTable(w, []*armpolicyinsights.PolicyState{state}) },
			want: "RESOURCE RESOURCE GROUP ASSIGNMENT EFFECT COMPLIANCE TIMESTAMP\nstore-042 edge-eu ns-labels deny NonCompliant 2026-05-01T10:00:00Z"},
		{name: "summary", write: func(w io.Writer) error { return writeSummary(w, summary) },
			want: "Non-compliant resources: 1\nNon-compliant policies: 1\nResources: compliant 2, noncompliant 1\n\n" +
				"ASSIGNMENT SCOPE NON-COMPLIANT RESOURCES NON-COMPLIANT POLICIES RESOURCES\nns-labels " + rg + " 1 1 noncompliant 1"},
		{name: "empty summary", write: func(w io.Writer) error { return writeSummary(w, &armpolicyinsights.Summary{}) },
			want: "Non-compliant resources: -\nNon-compliant policies: -\nResources: -"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := tc.write(&out); err != nil {
				t.Fatal(err)
			}
			if got := squeeze(out.String()); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
