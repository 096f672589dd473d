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

package policy

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired/desiredtest"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// hubSpec is a policy assignment as the hub resolves it.
func hubSpec(t testing.TB) protocol.PolicySyncSpec {
	t.Helper()
	return protocol.PolicySyncSpec{
		AssignmentID:      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/policyAssignments/labels",
		DefinitionID:      "/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/required-labels",
		DisplayName:       "Namespaces have an owner",
		EnforcementAction: protocol.EnforcementDeny,
		Template:          requiredLabels(t),
		Match: protocol.PolicyMatch{
			Kinds:              []protocol.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"Namespace"}}},
			ExcludedNamespaces: []string{"kube-system"},
			LabelSelector:      json.RawMessage(`{"matchExpressions":[{"key":"team","operator":"Exists"}]}`),
		},
		Parameters:        json.RawMessage(`{"labels":["owner"]}`),
		Message:           "Namespaces need an owner label.",
		EvaluationRequest: "2026-05-01T10:00:00Z",
	}
}

func policyFixture(t *testing.T, objs ...client.Object) *desiredtest.Fixture {
	t.Helper()
	return desiredtest.New(t, &arcv1alpha1.PolicySync{}, Desired, objs...)
}

func getPolicySync(t *testing.T, f *desiredtest.Fixture, name string) *arcv1alpha1.PolicySync {
	t.Helper()
	ps := &arcv1alpha1.PolicySync{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, ps); err != nil {
		t.Fatalf("PolicySync %s: %v", name, err)
	}
	return ps
}

func TestPolicyAssignmentBecomesAHubOwnedPolicySync(t *testing.T) {
	f := policyFixture(t)
	name := protocol.PolicySyncName(hubSpec(t).AssignmentID)
	if err := f.Apply(t, f.Object(t, name, "7", hubSpec(t))); err != nil {
		t.Fatal(err)
	}
	ps := getPolicySync(t, f, name)
	if ps.Labels[arcv1alpha1.ManagedByLabel] != arcv1alpha1.ManagedByHub || ps.Annotations[arcv1alpha1.HubResourceVersionAnnotation] != "7" {
		t.Errorf("metadata = %v %v, want hub-owned at resourceVersion 7", ps.Labels, ps.Annotations)
	}
	want := arcv1alpha1.PolicySyncSpec{
		AssignmentID: hubSpec(t).AssignmentID, DefinitionID: hubSpec(t).DefinitionID, DisplayName: "Namespaces have an owner",
		EnforcementAction: arcv1alpha1.EnforcementDeny, Template: hubSpec(t).Template,
		Match: arcv1alpha1.PolicyMatch{
			Kinds:              []arcv1alpha1.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"Namespace"}}},
			ExcludedNamespaces: []string{"kube-system"},
			LabelSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "team", Operator: metav1.LabelSelectorOpExists}}},
		},
		Message: "Namespaces need an owner label.", EvaluationRequest: "2026-05-01T10:00:00Z",
	}
	got := ps.Spec
	if got.Parameters == nil || string(got.Parameters.Raw) != `{"labels":["owner"]}` {
		t.Errorf("parameters = %v, want the hub's", got.Parameters)
	}
	got.Parameters = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spec = %+v\nwant %+v", got, want)
	}
}

func TestProtocolSpecIsCRSpecReversed(t *testing.T) {
	spec, err := CRSpec(hubSpec(t), "")
	if err != nil {
		t.Fatal(err)
	}
	back := ProtocolSpec(spec)
	want, _ := json.Marshal(hubSpec(t))
	if got, _ := json.Marshal(back); string(got) != string(want) {
		t.Errorf("round trip = %s\nwant %s", got, want)
	}
}

func TestUnusableAssignmentsKeepTheLastGoodPolicySync(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*protocol.PolicySyncSpec)
		wantMsg string
	}{
		{name: "no template", change: func(s *protocol.PolicySyncSpec) { s.Template = "" }, wantMsg: "spec lacks template"},
		{name: "no ConstraintTemplate", change: func(s *protocol.PolicySyncSpec) { s.Template = "kind: ConfigMap" },
			wantMsg: "set apiVersion: templates.gatekeeper.sh/v1 and kind: ConstraintTemplate"},
		{name: "an unknown enforcement action", change: func(s *protocol.PolicySyncSpec) { s.EnforcementAction = "audit" },
			wantMsg: `enforcementAction "audit" is none of deny, dryrun, warn`},
		{name: "a label selector that is none", change: func(s *protocol.PolicySyncSpec) { s.Match.LabelSelector = json.RawMessage(`{"matchLabel":{}}`) },
			wantMsg: "match.labelSelector: it is not a label selector"},
		{name: "a label selector with an unknown operator", change: func(s *protocol.PolicySyncSpec) {
			s.Match.LabelSelector = json.RawMessage(`{"matchExpressions":[{"key":"tier","operator":"Near"}]}`)
		}, wantMsg: "match.labelSelector: it is not a valid label selector"},
		{name: "parameters that are no object", change: func(s *protocol.PolicySyncSpec) { s.Parameters = json.RawMessage(`[1]`) },
			wantMsg: "parameters are not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := policyFixture(t)
			if err := f.Apply(t, f.Object(t, "p", "1", hubSpec(t))); err != nil {
				t.Fatal(err)
			}
			bad := hubSpec(t)
			bad.DisplayName = "changed"
			tt.change(&bad)
			if err := f.Apply(t, f.Object(t, "p", "2", bad)); err != nil {
				t.Fatalf("an unusable object must not be retried as an error: %v", err)
			}
			ps := getPolicySync(t, f, "p")
			if ps.Spec.DisplayName != hubSpec(t).DisplayName {
				t.Errorf("displayName = %q, want the last good spec", ps.Spec.DisplayName)
			}
			synced := meta.FindStatusCondition(ps.Status.Conditions, arcv1alpha1.HubSyncedCondition)
			if synced == nil || synced.Status != metav1.ConditionFalse || !strings.Contains(synced.Message, tt.wantMsg) {
				t.Errorf("HubSynced = %+v, want False saying %q", synced, tt.wantMsg)
			}
			if len(f.Reports) != 1 || !strings.Contains(string(f.Reports[0].Status), `"complianceState":"Error"`) {
				t.Errorf("reported %+v, want one Error status", f.Reports)
			}
		})
	}
}
