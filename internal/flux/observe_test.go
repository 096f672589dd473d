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
	"testing"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func TestAppliedObjects(t *testing.T) {
	k := &kustomizev1.Kustomization{ObjectMeta: metav1.ObjectMeta{Name: "web-apps", Namespace: "flux-system"}}
	k.Status.Inventory = &kustomizev1.ResourceInventory{Entries: []kustomizev1.ResourceRef{
		{ID: "default_web_apps_Deployment", Version: "v1"},
		{ID: "_web-admin_rbac.authorization.k8s.io_ClusterRole", Version: "v1"},
		{ID: "not-an-id", Version: "v1"},
	}}
	by := &arcv1alpha1.FluxObjectReference{Name: "web-apps", Namespace: "flux-system"}
	want := []arcv1alpha1.FluxObjectStatus{
		{Kind: "Deployment", Name: "web", Namespace: "default", ComplianceState: arcv1alpha1.ComplianceCompliant, AppliedBy: by},
		{Kind: "ClusterRole", Name: "web-admin", ComplianceState: arcv1alpha1.ComplianceCompliant, AppliedBy: by},
	}
	if got := appliedObjects(k, arcv1alpha1.ComplianceCompliant); !reflect.DeepEqual(got, want) {
		t.Errorf("appliedObjects = %+v\nwant %+v", got, want)
	}
	if got := appliedObjects(&kustomizev1.Kustomization{}, arcv1alpha1.CompliancePending); got != nil {
		t.Errorf("appliedObjects without an inventory = %+v, want none", got)
	}
}
