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

package reconcile

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// Reconciled is an object a reconciler works on: conditions and an observed generation.
type Reconciled interface {
	Object
	SetObservedGeneration(int64)
}

// KStatusConditions are the conditions every reconciler owns: Ready, Reconciling, Stalled.
var KStatusConditions = []string{arcv1alpha1.ReadyCondition, arcv1alpha1.ReconcilingCondition, arcv1alpha1.StalledCondition}

// retryingPrefix starts the Reconciling message MarkRetrying derives from Ready's failure.
const retryingPrefix = "Retrying: "

// maxMessageLength keeps condition messages far below the API's 32 kB, so that the status
// stays readable.
const maxMessageLength = 4096

// Set sets the condition t for the object's current generation.
func Set(obj Object, t string, status metav1.ConditionStatus, reason, message string) {
	conditions := obj.GetConditions()
	meta.SetStatusCondition(&conditions, metav1.Condition{Type: t, Status: status, Reason: reason,
		Message: cut(message, maxMessageLength), ObservedGeneration: obj.GetGeneration()})
	obj.SetConditions(conditions)
}

// Remove deletes the condition t.
func Remove(obj Object, t string) {
	conditions := obj.GetConditions()
	meta.RemoveStatusCondition(&conditions, t)
	obj.SetConditions(conditions)
}

// Get returns the condition t, nil when absent.
func Get(obj Object, t string) *metav1.Condition {
	return meta.FindStatusCondition(obj.GetConditions(), t)
}

// MarkReady says the generation is in effect: Ready True, no Reconciling, no Stalled.
func MarkReady(obj Reconciled, reason, message string) {
	Remove(obj, arcv1alpha1.ReconcilingCondition)
	Remove(obj, arcv1alpha1.StalledCondition)
	Set(obj, arcv1alpha1.ReadyCondition, metav1.ConditionTrue, reason, message)
	MarkHandled(obj)
}

// MarkReconciling says the controller works towards the spec. Ready keeps its last state, or
// is Unknown when there is none yet.
func MarkReconciling(obj Object, reason, message string) {
	Remove(obj, arcv1alpha1.StalledCondition)
	Set(obj, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
	if Get(obj, arcv1alpha1.ReadyCondition) == nil {
		Set(obj, arcv1alpha1.ReadyCondition, metav1.ConditionUnknown, reason, message)
	}
}

// MarkStalled says the spec cannot be acted on until it (or the environment) changes: Stalled
// True and Ready False with the same reason, no Reconciling. The generation counts as
// handled.
func MarkStalled(obj Reconciled, reason, message string) {
	Remove(obj, arcv1alpha1.ReconcilingCondition)
	Set(obj, arcv1alpha1.StalledCondition, metav1.ConditionTrue, reason, message)
	Set(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	MarkHandled(obj)
}

// MarkRetrying says a step failed and will be tried again: Ready False with the failure,
// Reconciling True.
func MarkRetrying(obj Object, reason, message string) {
	Remove(obj, arcv1alpha1.StalledCondition)
	Set(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	Set(obj, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, arcv1alpha1.ProgressingReason, retryingPrefix+message)
}

// RetriesFailure reports whether Reconciling only repeats Ready's failure, as MarkRetrying and
// MarkWaiting leave it, rather than saying what the reconciler does now (MarkReconciling).
func RetriesFailure(obj Object) bool {
	return RetriesFailureIn(obj.GetConditions())
}

// RetriesFailureIn is RetriesFailure for a list of conditions.
func RetriesFailureIn(conditions []metav1.Condition) bool {
	ready := meta.FindStatusCondition(conditions, arcv1alpha1.ReadyCondition)
	progress := meta.FindStatusCondition(conditions, arcv1alpha1.ReconcilingCondition)
	if ready == nil || progress == nil || ready.Status != metav1.ConditionFalse {
		return false
	}
	return progress.Message == ready.Message || progress.Message == cut(retryingPrefix+ready.Message, maxMessageLength)
}

// MarkWaiting says the controller waits for something outside the spec (a Secret, an API):
// Ready False and Reconciling True with the same reason and message.
func MarkWaiting(obj Object, reason, message string) {
	Remove(obj, arcv1alpha1.StalledCondition)
	Set(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	Set(obj, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
}

// MarkNotReady says the generation was handled but its result is not healthy (a rolled-back
// upgrade, a failing Flux object): Ready False, no Reconciling, no Stalled.
func MarkNotReady(obj Reconciled, reason, message string) {
	Remove(obj, arcv1alpha1.ReconcilingCondition)
	Remove(obj, arcv1alpha1.StalledCondition)
	Set(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	MarkHandled(obj)
}

// MarkHandled moves the observed generation: the current spec was acted on.
func MarkHandled(obj Reconciled) { obj.SetObservedGeneration(obj.GetGeneration()) }

// cut shortens s to at most n bytes.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
