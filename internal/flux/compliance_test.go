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

package flux

import (
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func TestDependencyCycle(t *testing.T) {
	k := func(name string, deps ...string) arcv1alpha1.KustomizationSpec {
		return arcv1alpha1.KustomizationSpec{Name: name, DependsOn: deps}
	}
	tests := []struct {
		name string
		ks   []arcv1alpha1.KustomizationSpec
		want []string
	}{
		{name: "none", ks: nil, want: nil},
		{name: "chain", ks: []arcv1alpha1.KustomizationSpec{k("a"), k("b", "a"), k("c", "b", "a")}, want: nil},
		{name: "diamond", ks: []arcv1alpha1.KustomizationSpec{k("a"), k("b", "a"), k("c", "a"), k("d", "b", "c")}, want: nil},
		{name: "self", ks: []arcv1alpha1.KustomizationSpec{k("a", "a")}, want: []string{"a", "a"}},
		{name: "two", ks: []arcv1alpha1.KustomizationSpec{k("a", "b"), k("b", "a")}, want: []string{"a", "b", "a"}},
		{name: "behind a chain", ks: []arcv1alpha1.KustomizationSpec{k("x", "a"), k("a", "b"), k("b", "a")}, want: []string{"a", "b", "a"}},
		{name: "unknown dependency is not a cycle", ks: []arcv1alpha1.KustomizationSpec{k("a", "zz")}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DependencyCycle(tt.ks); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DependencyCycle = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestObjectCompliance(t *testing.T) {
	ready := func(status metav1.ConditionStatus, reason string) []metav1.Condition {
		return []metav1.Condition{{Type: "Ready", Status: status, Reason: reason, Message: "flux says " + reason}}
	}
	tests := []struct {
		name                 string
		generation, observed int64
		conditions           []metav1.Condition
		want                 arcv1alpha1.ComplianceState
		wantMessage          string
	}{
		{name: "not reconciled yet", generation: 1, want: arcv1alpha1.CompliancePending},
		{name: "ready", generation: 2, observed: 2, conditions: ready(metav1.ConditionTrue, "Succeeded"), want: arcv1alpha1.ComplianceCompliant},
		{name: "ready for an older generation", generation: 3, observed: 2, conditions: ready(metav1.ConditionTrue, "Succeeded"), want: arcv1alpha1.CompliancePending},
		{name: "failed", generation: 1, observed: 1, conditions: ready(metav1.ConditionFalse, "BuildFailed"),
			want: arcv1alpha1.ComplianceNonCompliant, wantMessage: "flux says BuildFailed"},
		{name: "waiting on a dependency", generation: 1, observed: 1, conditions: ready(metav1.ConditionFalse, "DependencyNotReady"), want: arcv1alpha1.CompliancePending},
		{name: "progressing", generation: 1, observed: 1, conditions: ready(metav1.ConditionUnknown, "Progressing"), want: arcv1alpha1.CompliancePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := ObjectCompliance(tt.generation, tt.observed, tt.conditions)
			if got != tt.want || msg != tt.wantMessage {
				t.Errorf("ObjectCompliance = %q, %q; want %q, %q", got, msg, tt.want, tt.wantMessage)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	status := func(name string, state arcv1alpha1.ComplianceState) arcv1alpha1.FluxObjectStatus {
		return arcv1alpha1.FluxObjectStatus{
			Kind: "Kustomization", Name: name, Namespace: "ns", ComplianceState: state,
			Conditions: []metav1.Condition{{Type: "Ready", Message: name + " message"}},
		}
	}
	tests := []struct {
		name          string
		statuses      []arcv1alpha1.FluxObjectStatus
		suspended     bool
		want          arcv1alpha1.ComplianceState
		wantInMessage string
	}{
		{name: "all compliant", statuses: []arcv1alpha1.FluxObjectStatus{status("a", arcv1alpha1.ComplianceCompliant)}, want: arcv1alpha1.ComplianceCompliant},
		{name: "one pending", statuses: []arcv1alpha1.FluxObjectStatus{status("a", arcv1alpha1.ComplianceCompliant), status("b", arcv1alpha1.CompliancePending)},
			want: arcv1alpha1.CompliancePending, wantInMessage: "Kustomization ns/b"},
		{name: "failure wins over pending", statuses: []arcv1alpha1.FluxObjectStatus{status("a", arcv1alpha1.CompliancePending), status("b", arcv1alpha1.ComplianceNonCompliant)},
			want: arcv1alpha1.ComplianceNonCompliant, wantInMessage: "Kustomization ns/b: b message"},
		{name: "suspended wins", statuses: []arcv1alpha1.FluxObjectStatus{status("b", arcv1alpha1.ComplianceNonCompliant)}, suspended: true,
			want: arcv1alpha1.ComplianceSuspended, wantInMessage: "suspended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.statuses, tt.suspended)
			if got.State != tt.want || !strings.Contains(got.Message, tt.wantInMessage) {
				t.Errorf("Summarize = %+v, want %q with a message containing %q", got, tt.want, tt.wantInMessage)
			}
		})
	}
}
