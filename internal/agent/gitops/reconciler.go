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

// Package gitops is the GitOpsConfiguration kind of the agent: the reconciler that makes Flux
// sync a configuration's repository (a GitRepository and Kustomizations, mapped back into
// the status), the mapping of the hub's fluxConfigurations to CRs, and the status the hub is
// told.
package gitops

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// Finalizer lets the agent delete the Flux objects (and so, through Flux, the applied
// workloads when prune is set) before a GitOpsConfiguration goes away.
const Finalizer = "arc.kubearc.io/gitops-cleanup"

// Requeue intervals of the GitOps controller.
const (
	// fluxInstallPoll is how often the agent looks for Flux's APIs while they are missing.
	fluxInstallPoll = 10 * time.Second
	// resync re-reads the Flux objects now and then; their changes arrive as events.
	resync = 10 * time.Minute
	// fluxFinalizePoll is how often deletion checks whether Flux finished its finalizers.
	fluxFinalizePoll = 5 * time.Second
)

// fluxNotInstalledMessage tells the operator what the agent waits for.
const fluxNotInstalledMessage = "Flux is not installed: waiting for the source.toolkit.fluxcd.io/v1 and " +
	"kustomize.toolkit.fluxcd.io/v1 APIs (install the flux extension)"

// Reconciler makes Flux sync a GitOpsConfiguration's repository: it renders and applies a
// GitRepository and Kustomizations, and maps their conditions back.
type Reconciler struct {
	client.Client
	// APIReader reads the API server itself, not the cache: the status patch's retry after a
	// conflict.
	APIReader client.Reader
	// Discovery tells whether the Flux APIs are served.
	Discovery discovery.DiscoveryInterface
	// Recorder records compliance changes as events on the GitOpsConfiguration.
	Recorder events.EventRecorder
	// Flux writes and reads the Flux objects.
	Flux *flux.Applier
	// Namespace is the agent's namespace, the only one whose GitOpsConfigurations it acts
	// on: it reads protected settings there only.
	Namespace string

	cache      cache.Cache
	controller controller.Controller
	watchMu    sync.Mutex
	watching   bool
}

// +kubebuilder:rbac:groups=arc.kubearc.io,resources=gitopsconfigurations,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=gitopsconfigurations/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=arc.kubearc.io,resources=gitopsconfigurations/finalizers,verbs=update
// +kubebuilder:rbac:groups=source.toolkit.fluxcd.io,resources=gitrepositories,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=kustomize.toolkit.fluxcd.io,resources=kustomizations,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups="",resources=secrets,verbs=create;update;patch;deletecollection
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=create

// Reconcile applies the configuration's Flux objects and records what Flux reports.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	cfg := &arcv1alpha1.GitOpsConfiguration{}
	if err := r.Get(ctx, req.NamespacedName, cfg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	patcher := reconcile.NewPatcher(r.Client, r.APIReader, cfg, reconcile.KStatusConditions...)
	defer func() {
		cfg.Status.ErrorMessage = errorMessage(cfg)
		err = errors.Join(err, patcher.Patch(ctx, cfg))
	}()
	if cfg.Namespace != r.Namespace { // no finalizer: the agent never acts on it
		return reconcile.Outcome(cfg, invalid(cfg, fmt.Errorf("%w: GitOpsConfigurations are only reconciled in the agent's namespace %s: create it there",
			flux.ErrInvalidSpec, r.Namespace)))
	}
	if cfg.DeletionTimestamp.IsZero() {
		if err := reconcile.AddFinalizer(ctx, r.Client, cfg, Finalizer); err != nil {
			return ctrl.Result{}, err
		}
	}
	installed, err := r.fluxServed()
	if err != nil {
		return reconcile.Outcome(cfg, err)
	}
	if !cfg.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, cfg, installed)
	}
	s := &syncing{r: r, installed: installed}
	return reconcile.Run(ctx, cfg, s.fluxInstalled, s.watchFlux, s.readSettings, s.render, s.apply, s.prune, s.observe)
}

// fluxServed reports whether the API server serves Flux's APIs; a failed discovery is retried.
func (r *Reconciler) fluxServed() (bool, error) {
	installed, err := flux.Installed(r.Discovery)
	if err != nil {
		return false, reconcile.Retry(arcv1alpha1.FluxDiscoveryFailedReason, "Discovering the Flux APIs failed: "+err.Error(), err)
	}
	return installed, nil
}

// finalize deletes the Flux objects, waits for Flux's finalizers, then releases the
// GitOpsConfiguration.
func (r *Reconciler) finalize(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration, installed bool) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(cfg, Finalizer) {
		return ctrl.Result{}, nil
	}
	if installed {
		remaining, err := r.Flux.Delete(ctx, cfg)
		if err != nil {
			return ctrl.Result{}, err
		}
		if remaining > 0 {
			return reconcile.Outcome(cfg, reconcile.Wait(arcv1alpha1.ProgressingReason,
				"deleting the Flux objects: waiting for Flux to finalize them", fluxFinalizePoll))
		}
	}
	return ctrl.Result{}, reconcile.RemoveFinalizer(ctx, r.Client, cfg, Finalizer)
}
