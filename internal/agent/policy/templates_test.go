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
	"testing"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func TestDeletingAPolicySyncKeepsWhatOthersUse(t *testing.T) {
	applied := func(name string) *arcv1alpha1.PolicySync {
		ps := policySync(t, name)
		ps.Status.TemplateName, ps.Status.ConstraintKind, ps.Status.ConstraintName = "k8srequiredlabels", "K8sRequiredLabels", name
		return ps
	}
	deleting := applied("deleting")
	now := metav1.Now()
	deleting.DeletionTimestamp, deleting.Finalizers = &now, []string{Finalizer}
	foreign := liveTemplate(t, deleting)
	foreign.Labels = nil
	tests := []struct {
		name         string
		objs         []client.Object
		wantTemplate bool
	}{
		{name: "the last user's template goes", objs: []client.Object{liveTemplate(t, deleting)}},
		{name: "a template another PolicySync uses stays", objs: []client.Object{liveTemplate(t, deleting), applied("other")}, wantTemplate: true},
		{name: "a template another PolicySync being deleted used goes", objs: []client.Object{liveTemplate(t, deleting), deleting.DeepCopy()}},
		{name: "a template the agent did not write stays", objs: []client.Object{foreign}, wantTemplate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := applied("p")
			r := cluster(t, append(tt.objs, liveConstraint(t, ps, nil))...)
			if err := r.deleteGatekeeperObjects(t.Context(), ps); err != nil {
				t.Fatal(err)
			}
			if err := r.Get(t.Context(), client.ObjectKey{Name: "p"}, emptyConstraint("K8sRequiredLabels", "p")); !apierrors.IsNotFound(err) {
				t.Errorf("reading the constraint: %v, want it gone", err)
			}
			err := r.Get(t.Context(), client.ObjectKey{Name: "k8srequiredlabels"}, &templatesv1.ConstraintTemplate{})
			if kept := err == nil; kept != tt.wantTemplate || (!kept && !apierrors.IsNotFound(err)) {
				t.Errorf("reading the template: %v, want it kept: %v", err, tt.wantTemplate)
			}
		})
	}
}

func TestDeletingWithoutGatekeeperIsDone(t *testing.T) {
	ps := policySync(t, "p")
	ps.Status.TemplateName, ps.Status.ConstraintKind, ps.Status.ConstraintName = "k8sgone", "K8sGone", "p"
	if err := cluster(t).deleteGatekeeperObjects(t.Context(), ps); err != nil {
		t.Errorf("error = %v, want none: a kind that is not served has nothing to delete", err)
	}
}
