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

package gitops

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// syncing is one reconcile's way to Flux: each step leaves what the next needs.
type syncing struct {
	r         *Reconciler
	installed bool
	protected map[string][]byte
	objs      *flux.Objects
}

// fluxInstalled waits for Flux's APIs; nothing is known about compliance without them.
func (s *syncing) fluxInstalled(_ context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	if s.installed {
		return ctrl.Result{}, nil
	}
	cfg.Status.ComplianceState = arcv1alpha1.ComplianceUnknown
	return ctrl.Result{}, reconcile.Wait(arcv1alpha1.FluxNotInstalledReason, fluxNotInstalledMessage, fluxInstallPoll)
}

// watchFlux starts the watches of the Flux objects once their APIs are served.
func (s *syncing) watchFlux(ctx context.Context, _ *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	return ctrl.Result{}, s.r.ensureFluxWatches(ctx)
}

// readSettings reads the Secret spec.secretRef names, waiting for it while it is missing.
func (s *syncing) readSettings(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	if cfg.Spec.SecretRef == nil {
		return ctrl.Result{}, nil
	}
	name := cfg.Spec.SecretRef.Name
	secret := &corev1.Secret{}
	err := s.r.Get(ctx, client.ObjectKey{Namespace: cfg.Namespace, Name: name}, secret)
	if apierrors.IsNotFound(err) {
		return ctrl.Result{}, reconcile.WaitForSecret("the protected-settings Secret " + name +
			" named by spec.secretRef is missing in namespace " + cfg.Namespace + ": create it or fix spec.secretRef")
	}
	if err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.SecretReadFailedReason,
			"Reading the protected-settings Secret "+name+" named by spec.secretRef failed: "+err.Error(), err)
	}
	s.protected = secret.Data
	return ctrl.Result{}, nil
}

// render builds the Flux objects.
func (s *syncing) render(_ context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	objs, err := flux.Render(cfg, s.protected)
	if err != nil {
		return ctrl.Result{}, renderFailed(cfg, err)
	}
	s.objs = objs
	return ctrl.Result{}, nil
}

// renderFailed stalls a spec that cannot be rendered and retries any other failure.
func renderFailed(cfg *arcv1alpha1.GitOpsConfiguration, err error) error {
	if errors.Is(err, flux.ErrInvalidSpec) {
		return invalid(cfg, err)
	}
	return reconcile.Retry(arcv1alpha1.RenderFailedReason, "Rendering the Flux objects failed: "+err.Error(), err)
}

// apply writes the Flux objects.
func (s *syncing) apply(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	if err := s.r.Flux.Apply(ctx, cfg, s.objs); err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.ApplyFailedReason, err.Error(), err)
	}
	return ctrl.Result{}, nil
}

// prune deletes the Flux objects the spec no longer has.
func (s *syncing) prune(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	if err := s.r.Flux.Prune(ctx, cfg, s.objs); err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.PruneFailedReason,
			"Deleting the Flux objects the spec no longer has failed: "+err.Error(), err)
	}
	return ctrl.Result{}, nil
}

// observe reads what Flux reports and records it.
func (s *syncing) observe(ctx context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
	obs, err := s.r.Flux.Observe(ctx, cfg, s.objs)
	if err != nil {
		return ctrl.Result{}, reconcile.Retry(arcv1alpha1.ObserveFailedReason,
			"Reading the status of the Flux objects failed: "+err.Error(), err)
	}
	s.r.recordCompliance(cfg, obs)
	return ctrl.Result{RequeueAfter: resync}, nil
}

// invalid stalls a configuration whose spec cannot be acted on; nothing is known about its
// compliance.
func invalid(cfg *arcv1alpha1.GitOpsConfiguration, err error) error {
	cfg.Status.ComplianceState = arcv1alpha1.ComplianceUnknown
	reason := arcv1alpha1.InvalidSpecReason
	if cycle := flux.DependencyCycle(cfg.Spec.Kustomizations); cycle != nil {
		reason = arcv1alpha1.DependencyCycleReason
	}
	return reconcile.Stall(reason, err.Error())
}

// recordCompliance copies the observation into the status, and records a change of
// compliance as an event.
func (r *Reconciler) recordCompliance(cfg *arcv1alpha1.GitOpsConfiguration, obs *flux.Observation) {
	previous := cfg.Status.ComplianceState
	setObservation(cfg, obs)
	if previous == obs.Summary.State {
		return
	}
	eventType := corev1.EventTypeNormal
	if obs.Summary.State == arcv1alpha1.ComplianceNonCompliant {
		eventType = corev1.EventTypeWarning
	}
	note := string(obs.Summary.State)
	if obs.Summary.Message != "" {
		note += ": " + obs.Summary.Message
	}
	reconcile.Event(r.Recorder, cfg, eventType, "ComplianceChanged", "Sync", note)
}

// errorMessage is the status' errorMessage: why the configuration is not ready, if it is not
// (a suspended one is not in error).
func errorMessage(cfg *arcv1alpha1.GitOpsConfiguration) string {
	ready := reconcile.Get(cfg, arcv1alpha1.ReadyCondition)
	if ready == nil || ready.Status != "False" || ready.Reason == arcv1alpha1.SuspendedReason {
		return ""
	}
	return ready.Message
}

// setObservation copies what Flux reports into the status; the generation counts as handled.
func setObservation(cfg *arcv1alpha1.GitOpsConfiguration, obs *flux.Observation) {
	st := &cfg.Status
	st.Statuses = obs.Statuses
	st.ComplianceState = obs.Summary.State
	if obs.Revision != "" {
		st.SourceSyncedCommitID, st.SourceUpdatedAt = obs.Revision, obs.RevisionTime
	}
	switch obs.Summary.State {
	case arcv1alpha1.ComplianceCompliant:
		reconcile.MarkReady(cfg, arcv1alpha1.SucceededReason, "Flux applied revision "+obs.Revision)
	case arcv1alpha1.ComplianceNonCompliant:
		reconcile.MarkNotReady(cfg, arcv1alpha1.FluxObjectsNotReadyReason, obs.Summary.Message)
	case arcv1alpha1.ComplianceSuspended:
		reconcile.MarkNotReady(cfg, arcv1alpha1.SuspendedReason, obs.Summary.Message)
	default:
		reconcile.Set(cfg, arcv1alpha1.ReadyCondition, "Unknown", arcv1alpha1.FluxReconcilingReason, obs.Summary.Message)
		reconcile.MarkReconciling(cfg, arcv1alpha1.FluxReconcilingReason, obs.Summary.Message)
		reconcile.MarkHandled(cfg)
	}
}
