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

package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
)

// Bounds of what the API server accepts: event notes up to 1 kB; condition messages up to
// 32 kB, kept much shorter so the status stays readable.
const (
	maxNoteLength    = 1000
	maxMessageLength = 4096
)

// fluxNotInstalledMessage tells the operator what the agent waits for.
const fluxNotInstalledMessage = "Flux is not installed: waiting for the source.toolkit.fluxcd.io/v1 and " +
	"kustomize.toolkit.fluxcd.io/v1 APIs (install the flux extension)"

func setCondition(cfg *arcv1alpha1.GitOpsConfiguration, condType string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&cfg.Status.Conditions, metav1.Condition{
		Type: condType, Status: status, Reason: reason, Message: shortMessage(message), ObservedGeneration: cfg.Generation,
	})
}

// markFluxNotInstalled: waiting for Flux; nothing is known about compliance.
func markFluxNotInstalled(cfg *arcv1alpha1.GitOpsConfiguration) {
	markWaiting(cfg, arcv1alpha1.FluxNotInstalledReason, fluxNotInstalledMessage)
	cfg.Status.ComplianceState = arcv1alpha1.ComplianceUnknown
}

// markWaiting: Ready False and Reconciling True with the same reason and message.
func markWaiting(cfg *arcv1alpha1.GitOpsConfiguration, reason, message string) {
	setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	setCondition(cfg, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(&cfg.Status.Conditions, arcv1alpha1.StalledCondition)
	cfg.Status.ErrorMessage = message
}

// markNotReady: a transient failure the controller retries.
func markNotReady(cfg *arcv1alpha1.GitOpsConfiguration, reason, message string) {
	setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	cfg.Status.ErrorMessage = message
}

// markStalled: the spec cannot be acted on; the generation counts as handled.
func markStalled(cfg *arcv1alpha1.GitOpsConfiguration, err error) {
	reason := arcv1alpha1.InvalidSpecReason
	if cycle := flux.DependencyCycle(cfg.Spec.Kustomizations); cycle != nil {
		reason = arcv1alpha1.DependencyCycleReason
	}
	setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, err.Error())
	setCondition(cfg, arcv1alpha1.StalledCondition, metav1.ConditionTrue, reason, err.Error())
	meta.RemoveStatusCondition(&cfg.Status.Conditions, arcv1alpha1.ReconcilingCondition)
	cfg.Status.ErrorMessage = err.Error()
	cfg.Status.ComplianceState = arcv1alpha1.ComplianceUnknown
	cfg.Status.ObservedGeneration = cfg.Generation
}

// setObservation copies what Flux reports into the status.
func setObservation(cfg *arcv1alpha1.GitOpsConfiguration, obs *flux.Observation) {
	st := &cfg.Status
	st.ObservedGeneration = cfg.Generation
	st.Statuses = obs.Statuses
	st.ComplianceState = obs.Summary.State
	st.ErrorMessage = ""
	if obs.Revision != "" {
		st.SourceSyncedCommitID, st.SourceUpdatedAt = obs.Revision, obs.RevisionTime
	}
	meta.RemoveStatusCondition(&st.Conditions, arcv1alpha1.StalledCondition)
	switch obs.Summary.State {
	case arcv1alpha1.ComplianceCompliant:
		setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionTrue, arcv1alpha1.SucceededReason,
			"Flux applied revision "+obs.Revision)
		meta.RemoveStatusCondition(&st.Conditions, arcv1alpha1.ReconcilingCondition)
	case arcv1alpha1.ComplianceNonCompliant:
		st.ErrorMessage = obs.Summary.Message
		setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, arcv1alpha1.FluxObjectsNotReadyReason, obs.Summary.Message)
		meta.RemoveStatusCondition(&st.Conditions, arcv1alpha1.ReconcilingCondition)
	case arcv1alpha1.ComplianceSuspended:
		setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, arcv1alpha1.SuspendedReason, obs.Summary.Message)
		meta.RemoveStatusCondition(&st.Conditions, arcv1alpha1.ReconcilingCondition)
	default:
		setCondition(cfg, arcv1alpha1.ReadyCondition, metav1.ConditionUnknown, arcv1alpha1.FluxReconcilingReason, obs.Summary.Message)
		setCondition(cfg, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, arcv1alpha1.FluxReconcilingReason, obs.Summary.Message)
	}
}

// shortNote cuts a note to what an event may carry.
func shortNote(s string) string { return cut(s, maxNoteLength) }

// shortMessage cuts a condition message.
func shortMessage(s string) string { return cut(s, maxMessageLength) }

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
