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
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// audited is a hub-owned PolicySync whose audit found total violations, listing listed.
func audited(t testing.TB, total int64, listed int) *arcv1alpha1.PolicySync {
	t.Helper()
	ps := policySync(t, "p")
	ps.Labels = map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}
	ps.Status = arcv1alpha1.PolicySyncStatus{ComplianceState: arcv1alpha1.PolicyNonCompliant, Enforced: true,
		AuditTimestamp: &metav1.Time{Time: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}, TotalViolations: &total,
		ViolationsTruncated: int64(listed) < total, EvaluationRequest: "scan-1"}
	for i := range listed {
		ps.Status.Violations = append(ps.Status.Violations, arcv1alpha1.PolicyViolation{Version: "v1", Kind: "Namespace",
			Name: fmt.Sprintf("namespace-%04d", i), Message: strings.Repeat("m", maxViolationMessage), EnforcementAction: "dryrun"})
	}
	return ps
}

func TestHubStatus(t *testing.T) {
	got := HubStatus(audited(t, 3, 3))
	if got.ComplianceState != protocol.PolicyNonCompliant || !got.Enforced || got.EnforcementAction != "dryrun" ||
		got.AuditTimestamp != "2026-05-01T10:00:00Z" || got.TotalViolations != 3 || got.EvaluationRequest != "scan-1" {
		t.Errorf("status = %+v", got)
	}
	if len(got.Violations) != 3 || got.Violations[2].Name != "namespace-0002" || got.Violations[2].Kind != "Namespace" ||
		got.ViolationsTruncated || got.ClusterOwned != nil {
		t.Errorf("violations = %+v, truncated %v, clusterOwned %v", got.Violations, got.ViolationsTruncated, got.ClusterOwned)
	}
}

func TestHubStatusBeforeTheFirstReconcileIsUnknown(t *testing.T) {
	if got := HubStatus(policySync(t, "p")); got.ComplianceState != protocol.PolicyUnknown || got.AuditTimestamp != "" {
		t.Errorf("status = %+v, want Unknown without an audit", got)
	}
}

func TestHubStatusFitsWhatTheHubAccepts(t *testing.T) {
	ps := audited(t, 5000, protocol.MaxPolicyViolations)
	got := HubStatus(ps)
	raw, _ := json.Marshal(got)
	if len(raw) > protocol.MaxStatusBytes {
		t.Errorf("status of %d bytes, want at most %d", len(raw), protocol.MaxStatusBytes)
	}
	if len(got.Violations) < protocol.MaxPolicyViolations/3 || !got.ViolationsTruncated || got.TotalViolations != 5000 {
		t.Errorf("%d violations, truncated %v, total %d; want as many as fit, truncated, the full count",
			len(got.Violations), got.ViolationsTruncated, got.TotalViolations)
	}
}

func TestHubStatusOfARejectedHubObjectIsError(t *testing.T) {
	ps := audited(t, 0, 0)
	reconcile.Set(ps, arcv1alpha1.HubSyncedCondition, metav1.ConditionFalse, arcv1alpha1.DesiredStateInvalidReason,
		"The hub's latest version was not applied, the last good one stays: the policy assignment's spec lacks template")
	got := HubStatus(ps)
	if got.ComplianceState != protocol.PolicyError || !strings.Contains(got.ErrorMessage, "lacks template") {
		t.Errorf("status = %s %q, want Error with the reason", got.ComplianceState, got.ErrorMessage)
	}
}

func TestClusterOwnedPolicySyncsReportTheirSpec(t *testing.T) {
	ps := policySync(t, "local")
	got := HubStatus(ps)
	if got.ClusterOwned == nil || got.ClusterOwned.AssignmentID != ps.Spec.AssignmentID ||
		got.ClusterOwned.Template != ps.Spec.Template || string(got.ClusterOwned.Parameters) != `{"labels":["owner"]}` {
		t.Errorf("clusterOwned = %+v, want the PolicySync's spec", got.ClusterOwned)
	}
	status, ok := Source(ns).Status(ps)
	if !ok || status.Name != "local" || status.ObservedResourceVersion != "" {
		t.Errorf("status %+v, %v: want one under the CR's name, without a desired version", status, ok)
	}
}

func TestDeletedPolicySyncsAreForgotten(t *testing.T) {
	status, ok := Source(ns).Deleted(policySync(t, "local"))
	if !ok {
		t.Fatal("no status for a deleted PolicySync")
	}
	var got struct {
		ProvisioningState string                   `json:"provisioningState"`
		ClusterOwned      *protocol.PolicySyncSpec `json:"clusterOwned"`
	}
	if err := json.Unmarshal(status.Status, &got); err != nil {
		t.Fatal(err)
	}
	if got.ProvisioningState != protocol.ProvisioningDeleted || got.ClusterOwned == nil {
		t.Errorf("status = %s, want provisioningState Deleted with the cluster-owned spec", status.Status)
	}
}
