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
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestGatekeeperObjectsMapToTheirPolicySyncs(t *testing.T) {
	using := func(name, template string) client.Object {
		ps := policySync(t, name)
		ps.Status.TemplateName = template
		return ps
	}
	r := cluster(t, using("labels-a", "k8srequiredlabels"), using("labels-b", "k8srequiredlabels"),
		using("repos", "k8sallowedrepos"), using("waiting", ""))
	names := func(reqs []ctrl.Request) []string {
		out := make([]string, 0, len(reqs))
		for _, req := range reqs {
			out = append(out, req.Name)
		}
		slices.Sort(out)
		return out
	}
	object := func(name string, labels map[string]string) client.Object {
		return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	}
	tests := []struct {
		name string
		got  []ctrl.Request
		want []string
	}{
		{name: "the ConstraintTemplate CRD wakes every PolicySync", got: r.usersOfCRD(t.Context(), object(templateCRD, nil)),
			want: []string{"labels-a", "labels-b", "repos", "waiting"}},
		{name: "a constraint CRD wakes its template's users", got: r.usersOfCRD(t.Context(), object("k8srequiredlabels.constraints.gatekeeper.sh", nil)),
			want: []string{"labels-a", "labels-b"}},
		{name: "another CRD wakes none", got: r.usersOfCRD(t.Context(), object("policysyncs.arc.kubearc.io", nil)), want: []string{}},
		{name: "a template wakes its users", got: r.usersOf(t.Context(), "k8sallowedrepos"), want: []string{"repos"}},
		{name: "a constraint wakes its PolicySync", got: r.policySyncOfConstraint(t.Context(), object("repos", map[string]string{LabelPolicySync: "repos"})),
			want: []string{"repos"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(tt.got); !slices.Equal(got, tt.want) {
				t.Errorf("requests = %v, want %v", got, tt.want)
			}
		})
	}
	for crd, want := range map[string]bool{templateCRD: true, "k8srequiredlabels.constraints.gatekeeper.sh": true,
		"assign.mutations.gatekeeper.sh": false, "policysyncs.arc.kubearc.io": false} {
		if got := isGatekeeperCRD(object(crd, nil)); got != want {
			t.Errorf("isGatekeeperCRD(%s) = %v, want %v", crd, got, want)
		}
	}
}
