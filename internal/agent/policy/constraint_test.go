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
	"reflect"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func TestRenderConstraint(t *testing.T) {
	ps := policySync(t, "labels")
	ps.Spec.Message = "Every namespace needs an owner."
	ps.Spec.Match = arcv1alpha1.PolicyMatch{
		Kinds:              []arcv1alpha1.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"Namespace"}}},
		Namespaces:         []string{"team-*"},
		ExcludedNamespaces: []string{"kube-system"},
		LabelSelector:      &metav1.LabelSelector{MatchLabels: map[string]string{"policy": "on"}},
	}
	u, err := renderConstraint(ps, "K8sRequiredLabels")
	if err != nil {
		t.Fatal(err)
	}
	if u.GetAPIVersion() != "constraints.gatekeeper.sh/v1beta1" || u.GetKind() != "K8sRequiredLabels" || u.GetName() != "labels" {
		t.Errorf("constraint %s %s %s", u.GetAPIVersion(), u.GetKind(), u.GetName())
	}
	wantSpec := map[string]any{
		"enforcementAction": "dryrun",
		"match": map[string]any{
			"kinds":              []any{map[string]any{"apiGroups": []any{""}, "kinds": []any{"Namespace"}}},
			"namespaces":         []any{"team-*"},
			"excludedNamespaces": []any{"kube-system", ns, "gatekeeper-system"},
			"labelSelector":      map[string]any{"matchLabels": map[string]any{"policy": "on"}},
		},
		"parameters": map[string]any{"labels": []any{"owner"}},
	}
	if !reflect.DeepEqual(u.Object["spec"], wantSpec) {
		t.Errorf("spec = %#v\nwant %#v", u.Object["spec"], wantSpec)
	}
	wantLabels := map[string]string{LabelManagedBy: ManagedByAgent, LabelPolicySync: "labels"}
	if !reflect.DeepEqual(u.GetLabels(), wantLabels) {
		t.Errorf("labels = %v, want %v", u.GetLabels(), wantLabels)
	}
	wantAnnotations := map[string]string{AnnotationAssignment: ps.Spec.AssignmentID, AnnotationDefinition: ps.Spec.DefinitionID,
		AnnotationMessage: "Every namespace needs an owner."}
	if !reflect.DeepEqual(u.GetAnnotations(), wantAnnotations) {
		t.Errorf("annotations = %v, want %v", u.GetAnnotations(), wantAnnotations)
	}
}

func TestRenderConstraintDefaults(t *testing.T) {
	ps := policySync(t, "p")
	ps.Spec.EnforcementAction, ps.Spec.Parameters, ps.Spec.DefinitionID = "", nil, ""
	u, err := renderConstraint(ps, "K8sRequiredLabels")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"enforcementAction": "deny", "match": map[string]any{
		"excludedNamespaces": []any{ns, "kube-system", "gatekeeper-system"},
	}}
	if !reflect.DeepEqual(u.Object["spec"], want) {
		t.Errorf("spec = %#v, want deny, a match of all but the system namespaces and no parameters", u.Object["spec"])
	}
	if _, ok := u.GetAnnotations()[AnnotationDefinition]; ok {
		t.Errorf("annotations = %v, want no empty definition", u.GetAnnotations())
	}
}

func TestRenderConstraintRefusesParametersThatAreNoObject(t *testing.T) {
	ps := policySync(t, "p")
	ps.Spec.Parameters = &apiextensionsv1.JSON{Raw: []byte(`["owner"]`)}
	if _, err := renderConstraint(ps, "K8sRequiredLabels"); err == nil || !strings.Contains(err.Error(), "spec.parameters is not a JSON object") {
		t.Errorf("error = %v, want one naming spec.parameters", err)
	}
}

// TestRenderConstraintAlwaysExcludesTheSystemNamespaces: whatever the assignment matches, a
// constraint never reaches the agent's namespace, kube-system or gatekeeper-system, so a
// policy cannot deny the pods that would undo it.
func TestRenderConstraintAlwaysExcludesTheSystemNamespaces(t *testing.T) {
	for _, tt := range []struct {
		excluded []string
		want     []any
	}{
		{nil, []any{ns, "kube-system", "gatekeeper-system"}},
		{[]string{"azure-arc"}, []any{"azure-arc", ns, "kube-system", "gatekeeper-system"}},
		{[]string{"gatekeeper-system", ns}, []any{"gatekeeper-system", ns, "kube-system"}},
	} {
		ps := policySync(t, "p")
		ps.Spec.Match = arcv1alpha1.PolicyMatch{Namespaces: []string{ns, "kube-*"}, ExcludedNamespaces: tt.excluded}
		u, err := renderConstraint(ps, "K8sRequiredLabels")
		if err != nil {
			t.Fatal(err)
		}
		got := u.Object["spec"].(map[string]any)["match"].(map[string]any)["excludedNamespaces"]
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("excluding %v: excludedNamespaces = %v, want %v", tt.excluded, got, tt.want)
		}
		if !reflect.DeepEqual(ps.Spec.Match.ExcludedNamespaces, tt.excluded) {
			t.Errorf("excluding %v: the PolicySync's spec became %v", tt.excluded, ps.Spec.Match.ExcludedNamespaces)
		}
	}
}

func TestRenderConstraintRefusesAnInvalidLabelSelector(t *testing.T) {
	ps := policySync(t, "p")
	ps.Spec.Match.LabelSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: "Near"}}}
	if _, err := renderConstraint(ps, "K8sRequiredLabels"); err == nil || !strings.Contains(err.Error(), "spec.match.labelSelector") {
		t.Errorf("error = %v, want one naming spec.match.labelSelector", err)
	}
}
