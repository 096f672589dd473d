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

// Package customlocation is the CustomLocation kind of the agent: the reconciler that turns a
// namespace into a custom location (the namespace, labelled with the location, and one
// RoleBinding per ClusterRole of the location for protocol.CustomLocationIdentity), the
// mapping of the hub's custom locations to CRs, and the status the hub is told. Nothing is
// granted while the agent runs without the custom-locations feature.
package customlocation

import (
	"context"
	"errors"
	"time"

	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// Finalizer lets the agent remove a location's RoleBindings (and, when asked, its namespace)
// before the CustomLocation goes.
const Finalizer = "arc.kubearc.io/custom-location"

// Intervals of the CustomLocation reconciler. Namespaces, ClusterRoles and the agent's
// RoleBindings are watched, so these are fallbacks.
const (
	// waitRetry is how often a location waiting for a ClusterRole, or for its namespace,
	// looks again.
	waitRetry = 30 * time.Second
	// resync re-checks a ready location now and then.
	resync = 10 * time.Minute
)

// enableMessage says what a location needs while the feature is off.
const enableMessage = "The custom-locations feature is off in the agent, so it grants the custom-location identity nothing: " +
	"enable it with arcctl connectedk8s enable-features --features custom-locations (Helm value features.customLocations=true)"

// Reconciler makes each CustomLocation of the agent's namespace: its namespace and the
// RoleBindings of the custom-location identity in it.
type Reconciler struct {
	client.Client
	// APIReader reads the API server itself, not the cache: the status patch's retry after a
	// conflict, and the RoleBindings, which the cache holds as metadata only.
	APIReader client.Reader
	// Recorder records what an operator should see as events on the CustomLocation.
	Recorder events.EventRecorder
	// Namespace is the agent's namespace, the only one whose CustomLocations it acts on.
	Namespace string
	// Enabled says the custom-locations feature is on; while off the agent only removes.
	Enabled bool
}

// +kubebuilder:rbac:groups=arc.kubearc.io,resources=customlocations,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=customlocations/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=customlocations/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=rolebindings,verbs=get;list;watch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles,verbs=get;list;watch

// Reconcile makes the location's namespace and RoleBindings, or removes the RoleBindings
// while the feature is off.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	cl := &arcv1alpha1.CustomLocation{}
	if err := r.Get(ctx, req.NamespacedName, cl); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	patcher := reconcile.NewPatcher(r.Client, r.APIReader, cl, reconcile.KStatusConditions...)
	defer func() { err = errors.Join(err, patcher.Patch(ctx, cl)) }()
	if cl.Namespace != r.Namespace { // no finalizer: the agent never acts on it
		return reconcile.Outcome(cl, reconcile.Stall(arcv1alpha1.InvalidSpecReason,
			"CustomLocations are only reconciled in the agent's namespace "+r.Namespace+": create it there"))
	}
	if !cl.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, cl)
	}
	if err := reconcile.AddFinalizer(ctx, r.Client, cl, Finalizer); err != nil {
		return ctrl.Result{}, err
	}
	p := &provisioning{r: r}
	return reconcile.Run(ctx, cl, p.featureEnabled, p.validNamespace, p.claimNamespace, p.pruneBindings, p.bindRoles, p.ready)
}

// finalize removes the RoleBindings, then deletes the namespace when the spec asks (or
// releases it), and lets the CustomLocation go. While the feature is off it only removes
// the RoleBindings.
func (r *Reconciler) finalize(ctx context.Context, cl *arcv1alpha1.CustomLocation) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(cl, Finalizer) {
		return ctrl.Result{}, nil
	}
	reconcile.MarkReconciling(cl, arcv1alpha1.ProgressingReason, "Removing the RoleBindings of the custom-location identity")
	if err := r.removeBindings(ctx, cl, nil); err != nil {
		return reconcile.Outcome(cl, rbacFailed("Removing the RoleBindings failed", err))
	}
	cl.Status.RoleBindings = nil
	if r.Enabled {
		if err := r.leaveNamespace(ctx, cl); err != nil {
			return reconcile.Outcome(cl, rbacFailed("Deleting or releasing the namespace "+cl.Spec.Namespace+" failed", err))
		}
	}
	return ctrl.Result{}, reconcile.RemoveFinalizer(ctx, r.Client, cl, Finalizer)
}

// rbacFailed is a transient failure to write or remove the location's objects.
func rbacFailed(what string, err error) error {
	return reconcile.Retry(arcv1alpha1.RBACFailedReason, what+": "+err.Error(), err)
}
