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

// Package extension is the Extension kind of the agent: the reconciler that installs,
// upgrades and uninstalls each Extension's Helm release, the mapping of the hub's desired
// extensions to Extension CRs, and the status the hub is told.
package extension

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// Finalizer makes the agent uninstall an Extension's release before the CR goes.
const Finalizer = "arc.kubearc.io/extension"

// Intervals of the Extension reconciler.
const (
	// resync re-checks a deployed release for drift.
	resync = 10 * time.Minute
	// upgradeRetry is how long a rolled-back upgrade waits before the next try of the same
	// spec; a new spec is tried at once.
	upgradeRetry = 5 * time.Minute
)

// Reconciler installs, upgrades and uninstalls the Helm release of each Extension in the
// agent's namespace.
type Reconciler struct {
	client.Client
	// APIReader reads the API server itself, not the cache: the status patch's retry after a
	// conflict.
	APIReader client.Reader
	// Helm fetches charts and installs, upgrades and uninstalls releases.
	Helm     installer.Installer
	Recorder events.EventRecorder
	// Namespace is the agent's namespace, the only one whose Extensions it handles: their
	// protected settings are Secrets there, and only there may the agent read Secrets.
	Namespace string
}

// The agent installs charts of any content, which takes the rights of a cluster admin, as
// the extension manager of Azure Arc has. The chart grants them apart from the generated
// least-privilege rules, in templates/extensions-rbac.yaml, when extensions.clusterAdmin is
// true (the default), so an operator can see and withhold them.
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=extensions,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=extensions/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=extensions/finalizers,verbs=update

// Reconcile makes the Extension's Helm release what its spec says and records the outcome.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	obj := &arcv1alpha1.Extension{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	patcher := reconcile.NewPatcher(r.Client, r.APIReader, obj, reconcile.KStatusConditions...)
	defer func() {
		obj.Status.Message = statusMessage(obj)
		err = errors.Join(err, patcher.Patch(ctx, obj))
	}()
	if !obj.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, obj)
	}
	if err := reconcile.AddFinalizer(ctx, r.Client, obj, Finalizer); err != nil {
		return ctrl.Result{}, err
	}
	in := &install{r: r}
	return reconcile.Run(ctx, obj, r.inAgentNamespace, in.start, in.readSettings, in.apply)
}

// inAgentNamespace stalls an Extension outside the agent's namespace.
func (r *Reconciler) inAgentNamespace(_ context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	if obj.Namespace != r.Namespace {
		return ctrl.Result{}, reconcile.Stall(arcv1alpha1.InvalidSpecReason,
			"Extensions are handled in the agent's namespace only: create it in namespace "+r.Namespace)
	}
	return ctrl.Result{}, nil
}

// finalize uninstalls the release, then lets the CR go.
func (r *Reconciler) finalize(ctx context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		return ctrl.Result{}, nil
	}
	reconcile.MarkReconciling(obj, arcv1alpha1.ProgressingReason, "Uninstalling")
	if obj.Namespace == r.Namespace {
		if _, err := r.Helm.Uninstall(ctx, obj.Name, releaseNamespace(obj)); err != nil {
			return reconcile.Outcome(obj, reconcile.Retry(arcv1alpha1.UninstallFailedReason,
				"Uninstalling the release failed: "+err.Error(), err))
		}
	}
	return ctrl.Result{}, reconcile.RemoveFinalizer(ctx, r.Client, obj, Finalizer)
}

// releaseNamespace is where the release and its objects go.
func releaseNamespace(obj *arcv1alpha1.Extension) string {
	if obj.Spec.Namespace != "" {
		return obj.Spec.Namespace
	}
	return obj.Namespace
}

// statusMessage is the message kubectl get shows: what the reconciler is doing (installing,
// uninstalling), unless it only retries a failure; else Ready's, which holds the failure.
func statusMessage(obj *arcv1alpha1.Extension) string {
	if progress := reconcile.Get(obj, arcv1alpha1.ReconcilingCondition); progress != nil && !reconcile.RetriesFailure(obj) {
		return progress.Message
	}
	if ready := reconcile.Get(obj, arcv1alpha1.ReadyCondition); ready != nil {
		return ready.Message
	}
	return obj.Status.Message
}

// orUnknown names a missing version.
func orUnknown(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// errInstall marks a failed install for the rate limiter's log.
func errInstall(obj *arcv1alpha1.Extension, err error) error {
	return fmt.Errorf("installing Extension %s: %w", obj.Name, err)
}
