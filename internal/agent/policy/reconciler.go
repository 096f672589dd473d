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

// Package policy is the PolicySync kind of the agent: the reconciler that enforces a policy
// assignment with OPA Gatekeeper (a ConstraintTemplate and a constraint) and reads Gatekeeper's
// audit back as compliance, the mapping of the hub's desired policy assignments to CRs, and
// the status the hub is told.
package policy

import (
	"context"
	"errors"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// Finalizer lets the agent delete a PolicySync's constraint, and its template when no other
// PolicySync uses it, before the PolicySync goes.
const Finalizer = "arc.kubearc.io/policysync"

// Intervals of the PolicySync reconciler. Gatekeeper's objects and CRDs are watched, so
// these are fallbacks.
const (
	// gatekeeperInstallPoll is how often the agent looks for Gatekeeper while it is missing.
	gatekeeperInstallPoll = time.Minute
	// gatekeeperPoll is how often the agent looks again while Gatekeeper works on a template
	// or constraint.
	gatekeeperPoll = 5 * time.Second
	// conflictRetry is how often a PolicySync whose template is taken looks again.
	conflictRetry = 30 * time.Second
	// resync re-reads the constraint now and then.
	resync = 10 * time.Minute
)

// gatekeeperNotInstalledMessage tells the operator what the agent waits for.
const gatekeeperNotInstalledMessage = "Gatekeeper is not installed: waiting for the CRD " + templateCRD +
	" (install the gatekeeper extension, or OPA Gatekeeper v3)"

// Reconciler enforces each PolicySync of the agent's namespace with Gatekeeper.
type Reconciler struct {
	client.Client
	// APIReader reads the API server itself, not the cache: the status patch's retry after a
	// conflict, and who else uses a template before it is deleted.
	APIReader client.Reader
	// Recorder records compliance changes as events on the PolicySync.
	Recorder events.EventRecorder
	// Namespace is the agent's namespace, the only one whose PolicySyncs it acts on.
	Namespace string

	cache      cache.Cache
	controller controller.Controller
	watchMu    sync.Mutex
	watched    map[schema.GroupVersionKind]bool
}

// +kubebuilder:rbac:groups=arc.kubearc.io,resources=policysyncs,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=policysyncs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=policysyncs/finalizers,verbs=update
// +kubebuilder:rbac:groups=templates.gatekeeper.sh,resources=constrainttemplates,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=constraints.gatekeeper.sh,resources=*,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=apiextensions.k8s.io,resources=customresourcedefinitions,verbs=get;list;watch

// Reconcile applies the PolicySync's template and constraint and records Gatekeeper's audit.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	ps := &arcv1alpha1.PolicySync{}
	if err := r.Get(ctx, req.NamespacedName, ps); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	patcher := reconcile.NewPatcher(r.Client, r.APIReader, ps, reconcile.KStatusConditions...)
	defer func() {
		r.summarize(ps)
		err = errors.Join(err, patcher.Patch(ctx, ps))
	}()
	if ps.Namespace != r.Namespace { // no finalizer: the agent never acts on it
		return reconcile.Outcome(ps, reconcile.Stall(arcv1alpha1.InvalidSpecReason,
			"PolicySyncs are only reconciled in the agent's namespace "+r.Namespace+": create it there"))
	}
	if !ps.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, ps)
	}
	if err := reconcile.AddFinalizer(ctx, r.Client, ps, Finalizer); err != nil {
		return ctrl.Result{}, err
	}
	e := &enforcing{r: r}
	return reconcile.Run(ctx, ps, e.render, e.sameKind, e.gatekeeperInstalled, e.applyTemplate, e.templateReady,
		e.constraintServed, e.applyConstraint, e.observe)
}

// finalize deletes the constraint, and the template when no other PolicySync uses it, then
// lets the PolicySync go.
func (r *Reconciler) finalize(ctx context.Context, ps *arcv1alpha1.PolicySync) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(ps, Finalizer) {
		return ctrl.Result{}, nil
	}
	reconcile.MarkReconciling(ps, arcv1alpha1.ProgressingReason, "Deleting the constraint")
	if err := r.deleteGatekeeperObjects(ctx, ps); err != nil {
		return reconcile.Outcome(ps, reconcile.Retry(arcv1alpha1.DeleteFailedReason,
			"Deleting the Gatekeeper objects failed: "+err.Error(), err))
	}
	return ctrl.Result{}, reconcile.RemoveFinalizer(ctx, r.Client, ps, Finalizer)
}
