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

package policy

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// summarize sets what the status derives from its conditions and the last audit:
// complianceState and errorMessage. A change of compliance (after the first) is recorded as
// an event.
func (r *Reconciler) summarize(ps *arcv1alpha1.PolicySync) {
	previous := ps.Status.ComplianceState
	ps.Status.ComplianceState = complianceState(ps)
	ps.Status.ErrorMessage = ""
	if ps.Status.ComplianceState == arcv1alpha1.PolicyError {
		ps.Status.ErrorMessage = reconcile.Get(ps, arcv1alpha1.ReadyCondition).Message
	}
	if previous == "" || previous == ps.Status.ComplianceState {
		return
	}
	eventType, note := corev1.EventTypeNormal, string(ps.Status.ComplianceState)
	switch ps.Status.ComplianceState {
	case arcv1alpha1.PolicyError:
		eventType, note = corev1.EventTypeWarning, note+": "+ps.Status.ErrorMessage
	case arcv1alpha1.PolicyNonCompliant:
		eventType = corev1.EventTypeWarning
	}
	reconcile.Event(r.Recorder, ps, eventType, "ComplianceChanged", "Audit", note)
}

// complianceState is the audit's verdict while Gatekeeper enforces the constraint (Ready);
// Error when the spec cannot be enforced as it is (Stalled, or a template in conflict);
// Unknown while the agent waits or retries.
func complianceState(ps *arcv1alpha1.PolicySync) arcv1alpha1.PolicyComplianceState {
	ready := reconcile.Get(ps, arcv1alpha1.ReadyCondition)
	switch {
	case ready == nil:
		return arcv1alpha1.PolicyUnknown
	case ready.Status == metav1.ConditionTrue:
		return auditCompliance(ps.Status)
	case reconcile.Get(ps, arcv1alpha1.StalledCondition) != nil, ready.Reason == arcv1alpha1.TemplateConflictReason:
		return arcv1alpha1.PolicyError
	default:
		return arcv1alpha1.PolicyUnknown
	}
}

// auditCompliance is Unknown before Gatekeeper's first audit of the constraint, then
// NonCompliant when it found violating objects, else Compliant.
func auditCompliance(st arcv1alpha1.PolicySyncStatus) arcv1alpha1.PolicyComplianceState {
	switch {
	case st.AuditTimestamp == nil:
		return arcv1alpha1.PolicyUnknown
	case st.TotalViolations != nil && *st.TotalViolations > 0:
		return arcv1alpha1.PolicyNonCompliant
	default:
		return arcv1alpha1.PolicyCompliant
	}
}
