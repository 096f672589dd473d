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

package flux

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// dependencyNotReadyReason is Flux's reason on a Kustomization that waits for its dependsOn:
// nothing failed, so it counts as pending.
const dependencyNotReadyReason = "DependencyNotReady"

// ObjectCompliance maps a Flux object's Ready condition to a compliance state, and returns
// Flux's message when the object failed. Ready True at the object's current generation is
// Compliant; False is Non-Compliant (except while waiting on a dependency); missing, Unknown
// or about an older generation is Pending.
func ObjectCompliance(generation, observedGeneration int64, conditions []metav1.Condition) (arcv1alpha1.ComplianceState, string) {
	ready := meta.FindStatusCondition(conditions, "Ready")
	switch {
	case ready == nil || observedGeneration < generation:
		return arcv1alpha1.CompliancePending, ""
	case ready.Status == metav1.ConditionTrue:
		return arcv1alpha1.ComplianceCompliant, ""
	case ready.Status == metav1.ConditionFalse && ready.Reason != dependencyNotReadyReason:
		return arcv1alpha1.ComplianceNonCompliant, ready.Message
	default:
		return arcv1alpha1.CompliancePending, ""
	}
}

// Summary is the configuration-wide result of its objects' states.
type Summary struct {
	// State is the configuration's compliance state.
	State arcv1alpha1.ComplianceState
	// Message says which objects are not compliant and why; empty when all are.
	Message string
}

// Summarize combines the objects' states: Suspended when suspended, else Non-Compliant when
// any object is, else Pending when any object is, else Compliant.
func Summarize(statuses []arcv1alpha1.FluxObjectStatus, suspended bool) Summary {
	if suspended {
		return Summary{State: arcv1alpha1.ComplianceSuspended, Message: "the configuration is suspended"}
	}
	var failed, pending []string
	for _, s := range statuses {
		switch s.ComplianceState {
		case arcv1alpha1.ComplianceNonCompliant:
			failed = append(failed, fmt.Sprintf("%s %s/%s: %s", s.Kind, s.Namespace, s.Name, readyMessage(s.Conditions)))
		case arcv1alpha1.ComplianceCompliant:
		default:
			pending = append(pending, fmt.Sprintf("%s %s/%s", s.Kind, s.Namespace, s.Name))
		}
	}
	switch {
	case len(failed) > 0:
		return Summary{State: arcv1alpha1.ComplianceNonCompliant, Message: strings.Join(failed, "; ")}
	case len(pending) > 0:
		return Summary{State: arcv1alpha1.CompliancePending, Message: "waiting for Flux to reconcile " + strings.Join(pending, ", ")}
	default:
		return Summary{State: arcv1alpha1.ComplianceCompliant}
	}
}

func readyMessage(conditions []metav1.Condition) string {
	if c := meta.FindStatusCondition(conditions, "Ready"); c != nil {
		return c.Message
	}
	return ""
}
