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
	"encoding/json"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Source reports the PolicySync CRs in namespace (the agent's) to the hub.
func Source(namespace string) report.Source {
	return report.Namespaced[*arcv1alpha1.PolicySync]{ProtocolKind: protocol.KindPolicySync, Namespace: namespace,
		NewList:   func() client.ObjectList { return &arcv1alpha1.PolicySyncList{} },
		StatusOf:  func(ps *arcv1alpha1.PolicySync) any { return HubStatus(ps) },
		DeletedOf: deletedStatus,
	}
}

// deletedStatus is sent once a PolicySync and its constraint are gone.
func deletedStatus(ps *arcv1alpha1.PolicySync) any {
	status := protocol.PolicySyncStatus{ProvisioningState: protocol.ProvisioningDeleted, ComplianceState: protocol.PolicyUnknown}
	if !report.HubOwned(ps) {
		spec := ProtocolSpec(ps.Spec)
		status.ClusterOwned = &spec
	}
	return status
}

// HubStatus is what the hub is told about ps: its compliance, Gatekeeper's last audit with
// the violating objects (as many as fit in a status the hub accepts), and, for a PolicySync
// applied in the cluster, its spec. A hub object the agent could not use (HubSynced False)
// is in Error with the reason.
func HubStatus(ps *arcv1alpha1.PolicySync) protocol.PolicySyncStatus {
	st := ps.Status
	out := protocol.PolicySyncStatus{
		ComplianceState: string(st.ComplianceState), Enforced: st.Enforced, EnforcementAction: string(enforcementAction(ps)),
		ViolationsTruncated: st.ViolationsTruncated, ErrorMessage: st.ErrorMessage, EvaluationRequest: st.EvaluationRequest,
		Conditions: report.Conditions(st.Conditions),
	}
	if out.ComplianceState == "" {
		out.ComplianceState = protocol.PolicyUnknown
	}
	if st.AuditTimestamp != nil {
		out.AuditTimestamp = st.AuditTimestamp.UTC().Format(time.RFC3339)
	}
	if st.TotalViolations != nil {
		out.TotalViolations = *st.TotalViolations
	}
	for _, v := range st.Violations {
		out.Violations = append(out.Violations, protocol.PolicyViolation(v))
	}
	if rejected := meta.FindStatusCondition(st.Conditions, arcv1alpha1.HubSyncedCondition); rejected != nil &&
		rejected.Status == metav1.ConditionFalse {
		out.ComplianceState, out.ErrorMessage = protocol.PolicyError, rejected.Message
	}
	if !report.HubOwned(ps) {
		spec := ProtocolSpec(ps.Spec)
		out.ClusterOwned = &spec
	}
	return fitForHub(out)
}

// fitForHub drops violating objects from the end until the status is within the size the hub
// accepts of one object's status (protocol.MaxStatusBytes), marking the list truncated.
func fitForHub(s protocol.PolicySyncStatus) protocol.PolicySyncStatus {
	for len(s.Violations) > 0 {
		raw, _ := json.Marshal(s) // plain data: cannot fail
		if len(raw) <= protocol.MaxStatusBytes {
			break
		}
		s.Violations = s.Violations[:len(s.Violations)*protocol.MaxStatusBytes/len(raw)*9/10]
		s.ViolationsTruncated = true
	}
	return s
}
