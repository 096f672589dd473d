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
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// reservedNamespaces are the system namespaces no location may take.
var reservedNamespaces = []string{"kube-system", "kube-public", "kube-node-lease", "default"}

// createdAnnotation marks a namespace the agent created for a custom location (its value is
// the location's ARM ID): only such a namespace is deleted with its location
// (deleteNamespaceOnDelete). A namespace that existed before is adopted, and only released.
const createdAnnotation = "arc.kubearc.io/created-for-custom-location"

// checkNamespace says why namespace cannot be a location's, agentNamespace being the
// agent's own; nil when it can.
func checkNamespace(namespace, agentNamespace string) error {
	switch {
	case len(validation.IsDNS1123Label(namespace)) > 0:
		return fmt.Errorf("the custom location's namespace %q is not a DNS label: use lower-case letters, digits and '-', e.g. apps-east", namespace)
	case slices.Contains(reservedNamespaces, namespace):
		return fmt.Errorf("the custom location's namespace %s is a system namespace: choose a namespace of the location's own", namespace)
	case namespace == agentNamespace:
		return fmt.Errorf("the custom location's namespace %s is the agent's own: choose a namespace of the location's own", namespace)
	}
	return nil
}

// claimNamespace creates the location's namespace, or labels an existing one, unless it is
// another location's or being deleted.
func (r *Reconciler) claimNamespace(ctx context.Context, cl *arcv1alpha1.CustomLocation) error {
	ns := &corev1.Namespace{}
	err := r.APIReader.Get(ctx, client.ObjectKey{Name: cl.Spec.Namespace}, ns)
	if apierrors.IsNotFound(err) {
		return r.createNamespace(ctx, cl)
	}
	if err != nil {
		return rbacFailed("Reading the namespace "+cl.Spec.Namespace+" failed", err)
	}
	if !ns.DeletionTimestamp.IsZero() {
		return reconcile.Wait(arcv1alpha1.NamespaceTerminatingReason, "The namespace "+ns.Name+
			" is being deleted: the agent creates it again once it is gone", waitRetry)
	}
	if holder := ns.Labels[arcv1alpha1.CustomLocationLabel]; holder != "" && holder != cl.Name {
		if err := r.stillHeld(ctx, holder, ns.Name); err != nil {
			return err
		}
	}
	return r.labelNamespace(ctx, cl, ns)
}

// createNamespace creates the location's namespace, labelled for it and marked as the
// agent's (createdAnnotation).
func (r *Reconciler) createNamespace(ctx context.Context, cl *arcv1alpha1.CustomLocation) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: cl.Spec.Namespace,
		Annotations: map[string]string{createdAnnotation: cl.Spec.LocationID}}}
	markNamespace(ns, cl)
	if err := r.Create(ctx, ns); err != nil {
		return rbacFailed("Creating the namespace "+cl.Spec.Namespace+" failed", err)
	}
	return nil
}

// stillHeld is a NamespaceInUse wait when the location holder still exists and targets
// namespace; a label left by a location that is gone is no claim.
func (r *Reconciler) stillHeld(ctx context.Context, holder, namespace string) error {
	other := &arcv1alpha1.CustomLocation{}
	err := r.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: holder}, other)
	if apierrors.IsNotFound(err) || (err == nil && other.Spec.Namespace != namespace) {
		return nil
	}
	if err != nil {
		return rbacFailed("Reading the custom location "+holder+" failed", err)
	}
	return reconcile.Wait(arcv1alpha1.NamespaceInUseReason, "The namespace "+namespace+" is the namespace of the custom location "+
		holder+", and a namespace hosts one custom location: choose another namespace, or delete "+holder, waitRetry)
}

// labelNamespace labels ns for the location, unless it already is. The write is guarded by
// the resourceVersion read, so two locations cannot both claim it.
func (r *Reconciler) labelNamespace(ctx context.Context, cl *arcv1alpha1.CustomLocation, ns *corev1.Namespace) error {
	if ns.Labels[arcv1alpha1.CustomLocationLabel] == cl.Name && ns.Annotations[arcv1alpha1.CustomLocationIDAnnotation] == cl.Spec.LocationID {
		return nil
	}
	patch := client.MergeFromWithOptions(ns.DeepCopy(), client.MergeFromWithOptimisticLock{})
	markNamespace(ns, cl)
	if err := r.Patch(ctx, ns, patch); err != nil {
		return rbacFailed("Labelling the namespace "+ns.Name+" failed", err)
	}
	return nil
}

// markNamespace sets the label and annotation that name the location on ns.
func markNamespace(ns *corev1.Namespace, cl *arcv1alpha1.CustomLocation) {
	metav1.SetMetaDataLabel(&ns.ObjectMeta, arcv1alpha1.CustomLocationLabel, cl.Name)
	metav1.SetMetaDataAnnotation(&ns.ObjectMeta, arcv1alpha1.CustomLocationIDAnnotation, cl.Spec.LocationID)
}

// leaveNamespace deletes the location's namespace when the spec asks and the agent created
// it (createdAnnotation), else removes the label and annotation that name the location: a
// namespace the location adopted is never deleted with it. A namespace another location
// holds, or none holds, is left alone.
func (r *Reconciler) leaveNamespace(ctx context.Context, cl *arcv1alpha1.CustomLocation) error {
	ns := &corev1.Namespace{}
	err := r.APIReader.Get(ctx, client.ObjectKey{Name: cl.Spec.Namespace}, ns)
	if apierrors.IsNotFound(err) || (err == nil && ns.Labels[arcv1alpha1.CustomLocationLabel] != cl.Name) {
		return nil
	}
	if err != nil {
		return err
	}
	if cl.Spec.DeleteNamespace && ns.Annotations[createdAnnotation] != "" {
		return client.IgnoreNotFound(r.Delete(ctx, ns))
	}
	patch := client.MergeFromWithOptions(ns.DeepCopy(), client.MergeFromWithOptimisticLock{})
	delete(ns.Labels, arcv1alpha1.CustomLocationLabel)
	delete(ns.Annotations, arcv1alpha1.CustomLocationIDAnnotation)
	return client.IgnoreNotFound(r.Patch(ctx, ns, patch))
}
