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
	"context"

	"k8s.io/apimachinery/pkg/api/equality"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// bindingPrefix starts the name of every RoleBinding the agent makes for a location.
const bindingPrefix = "kubearc-custom-location-"

// bindingName is the RoleBinding that binds the ClusterRole role in a location's namespace.
func bindingName(role string) string { return bindingPrefix + role }

// bindingLabels mark the RoleBindings of the location cl as the agent's.
func bindingLabels(cl *arcv1alpha1.CustomLocation) map[string]string {
	return map[string]string{arcv1alpha1.CustomLocationLabel: cl.Name, arcv1alpha1.AgentManagedByLabel: arcv1alpha1.AgentManagedBy}
}

// roleBinding is the RoleBinding that grants the custom-location identity the ClusterRole
// role in cl's namespace.
func roleBinding(cl *arcv1alpha1.CustomLocation, role string) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: bindingName(role), Namespace: cl.Spec.Namespace, Labels: bindingLabels(cl)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: protocol.CustomLocationIdentity}},
	}
}

// bind creates or repairs the RoleBinding of role. A RoleBinding of that name that is not
// the agent's is left alone and waited on.
func (r *Reconciler) bind(ctx context.Context, cl *arcv1alpha1.CustomLocation, role string) error {
	want := roleBinding(cl, role)
	got := &rbacv1.RoleBinding{}
	err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(want), got)
	if apierrors.IsNotFound(err) {
		return r.write("Creating", want, r.Create(ctx, want))
	}
	if err != nil {
		return rbacFailed("Reading the RoleBinding "+want.Name+" failed", err)
	}
	if got.Labels[arcv1alpha1.CustomLocationLabel] != cl.Name || got.RoleRef != want.RoleRef {
		return reconcile.Wait(arcv1alpha1.RoleBindingConflictReason, "The RoleBinding "+want.Name+" in the namespace "+want.Namespace+
			" exists and is not the agent's for this location: delete or rename it", waitRetry)
	}
	if equality.Semantic.DeepEqual(got.Subjects, want.Subjects) && got.Labels[arcv1alpha1.AgentManagedByLabel] == arcv1alpha1.AgentManagedBy {
		return nil
	}
	got.Subjects, got.Labels = want.Subjects, want.Labels
	return r.write("Updating", want, r.Update(ctx, got))
}

// write wraps the outcome of writing rb.
func (r *Reconciler) write(verb string, rb *rbacv1.RoleBinding, err error) error {
	if err != nil {
		return rbacFailed(verb+" the RoleBinding "+rb.Name+" in the namespace "+rb.Namespace+" failed", err)
	}
	return nil
}

// removeBindings deletes the RoleBindings the agent made for cl, in any namespace, except
// those in cl's namespace that keep names.
func (r *Reconciler) removeBindings(ctx context.Context, cl *arcv1alpha1.CustomLocation, keep map[string]bool) error {
	list := &rbacv1.RoleBindingList{}
	if err := r.APIReader.List(ctx, list, client.MatchingLabels(bindingLabels(cl))); err != nil {
		return err
	}
	for i := range list.Items {
		rb := &list.Items[i]
		if keep[rb.Name] && rb.Namespace == cl.Spec.Namespace {
			continue
		}
		if err := client.IgnoreNotFound(r.Delete(ctx, rb)); err != nil {
			return err
		}
	}
	return nil
}

// clusterRoleExists reports whether the ClusterRole name exists, from the cache's metadata.
func (r *Reconciler) clusterRoleExists(ctx context.Context, name string) (bool, error) {
	role := &metav1.PartialObjectMetadata{}
	role.SetGroupVersionKind(rbacv1.SchemeGroupVersion.WithKind("ClusterRole"))
	err := r.Get(ctx, client.ObjectKey{Name: name}, role)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
