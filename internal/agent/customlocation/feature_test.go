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

package customlocation

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const agentNS = "kubearc-system"

func location() *arcv1alpha1.CustomLocation {
	return &arcv1alpha1.CustomLocation{
		ObjectMeta: metav1.ObjectMeta{Name: "apps", Namespace: agentNS, Generation: 1, Finalizers: []string{Finalizer}},
		Spec:       arcv1alpha1.CustomLocationSpec{LocationID: "loc", Namespace: "apps", ClusterRoles: []string{"operator"}},
		Status:     arcv1alpha1.CustomLocationStatus{RoleBindings: []string{bindingName("operator")}},
	}
}

func fakeClient(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := arcv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	return fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).
		WithStatusSubresource(&arcv1alpha1.CustomLocation{}).Build()
}

// TestFeatureOffRemovesTheBindingsAndSaysHowToEnableIt: with the feature off the agent
// removes every RoleBinding it made for the identity (in any namespace), leaves others alone,
// and the location reports Failed with the command that turns the feature on.
func TestFeatureOffRemovesTheBindingsAndSaysHowToEnableIt(t *testing.T) {
	cl := location()
	ours := roleBinding(cl, "operator")
	strayed := roleBinding(cl, "old")
	strayed.Namespace = "elsewhere"
	foreign := roleBinding(cl, "admin")
	foreign.Labels = nil
	c := fakeClient(t, cl, ours, strayed, foreign)
	r := &Reconciler{Client: c, APIReader: c, Namespace: agentNS}

	if _, err := r.Reconcile(t.Context(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(cl)}); err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	list := &rbacv1.RoleBindingList{}
	if err := c.List(t.Context(), list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Name != foreign.Name {
		t.Errorf("RoleBindings left = %+v, want only the one the agent did not make", list.Items)
	}
	got := &arcv1alpha1.CustomLocation{}
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(cl), got); err != nil {
		t.Fatal(err)
	}
	ready := meta.FindStatusCondition(got.Status.Conditions, arcv1alpha1.ReadyCondition)
	if ready == nil || ready.Reason != arcv1alpha1.FeatureDisabledReason ||
		!strings.Contains(ready.Message, "arcctl connectedk8s enable-features --features custom-locations") {
		t.Errorf("Ready = %+v, want FeatureDisabled naming the command", ready)
	}
	status := HubStatus(got)
	if status.ProvisioningState != protocol.ProvisioningFailed || !strings.Contains(status.ErrorMessage, "enable-features") || len(status.RoleBindings) != 0 {
		t.Errorf("hub status = %+v, want Failed with the command and no RoleBindings", status)
	}
}
