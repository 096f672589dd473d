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

package connection

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func setCondition(obj *arcv1alpha1.ArcConnection, condType string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
		Type: condType, Status: status, Reason: reason, Message: message, ObservedGeneration: obj.Generation,
	})
}

// setNotReady records a failed step: its condition and Ready are False with its reason.
func setNotReady(obj *arcv1alpha1.ArcConnection, condType, reason, message string) {
	setCondition(obj, condType, metav1.ConditionFalse, reason, message)
	setCondition(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	setCondition(obj, arcv1alpha1.ReconcilingCondition, metav1.ConditionTrue, arcv1alpha1.ProgressingReason, "Retrying: "+message)
}

// setStalled records a spec the agent cannot act on until it changes.
func setStalled(obj *arcv1alpha1.ArcConnection, message string) {
	meta.RemoveStatusCondition(&obj.Status.Conditions, arcv1alpha1.ReconcilingCondition)
	setCondition(obj, arcv1alpha1.StalledCondition, metav1.ConditionTrue, arcv1alpha1.InvalidSpecReason, message)
	setCondition(obj, arcv1alpha1.ReadyCondition, metav1.ConditionFalse, arcv1alpha1.InvalidSpecReason, message)
	obj.Status.ObservedGeneration = obj.Generation
}
