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
	"fmt"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// auditStatus is a constraint status as Gatekeeper writes it after an audit that found
// total violating namespaces and listed listed of them, enforced at generation 1.
func auditStatus(total, listed int) map[string]any {
	violations := make([]any, 0, listed)
	for i := range listed {
		violations = append(violations, map[string]any{"group": "", "version": "v1", "kind": "Namespace",
			"name": fmt.Sprintf("ns-%d", i), "message": `you must provide labels: {"owner"}`, "enforcementAction": "dryrun"})
	}
	return map[string]any{
		"auditTimestamp": "2026-05-01T10:00:00Z", "totalViolations": int64(total), "violations": violations,
		"byPod": []any{map[string]any{"id": "gatekeeper-0", "observedGeneration": int64(1), "enforced": true}},
	}
}

func TestRecordAudit(t *testing.T) {
	tests := []struct {
		name          string
		status        map[string]any
		generation    int64
		wantEnforced  bool
		wantTotal     int64
		wantListed    int
		wantTruncated bool
		wantAudit     bool
		wantErrors    string
	}{
		{name: "not audited yet", status: map[string]any{"byPod": []any{map[string]any{"observedGeneration": int64(1), "enforced": true}}},
			generation: 1, wantEnforced: true},
		{name: "audited without violations", status: auditStatus(0, 0), generation: 1, wantEnforced: true, wantAudit: true},
		{name: "all violations listed", status: auditStatus(3, 3), generation: 1, wantEnforced: true, wantAudit: true, wantTotal: 3, wantListed: 3},
		{name: "Gatekeeper's limit cut the list", status: auditStatus(50, 20), generation: 1, wantEnforced: true, wantAudit: true,
			wantTotal: 50, wantListed: 20, wantTruncated: true},
		{name: "more than the hub takes", status: auditStatus(1500, 1200), generation: 1, wantEnforced: true, wantAudit: true,
			wantTotal: 1500, wantListed: protocol.MaxPolicyViolations, wantTruncated: true},
		{name: "a generation Gatekeeper has not enforced yet", status: auditStatus(3, 3), generation: 2, wantAudit: true,
			wantTotal: 3, wantListed: 3},
		{name: "errors of the current generation", generation: 1, status: map[string]any{"byPod": []any{map[string]any{
			"observedGeneration": int64(1), "errors": []any{map[string]any{"code": "invalid_constraint", "message": "bad parameters"}}}}},
			wantErrors: "invalid_constraint: bad parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := policySync(t, "p")
			ps.Spec.EvaluationRequest = "scan-7"
			st, err := readConstraintStatus(liveConstraint(t, ps, tt.status))
			if err != nil {
				t.Fatal(err)
			}
			if got := st.errorsAt(tt.generation); got != tt.wantErrors {
				t.Errorf("errors = %q, want %q", got, tt.wantErrors)
			}
			recordAudit(ps, st, tt.generation)
			got := ps.Status
			if got.Enforced != tt.wantEnforced || (got.AuditTimestamp != nil) != tt.wantAudit {
				t.Errorf("enforced %v, audited %v; want %v, %v", got.Enforced, got.AuditTimestamp != nil, tt.wantEnforced, tt.wantAudit)
			}
			if tt.wantAudit && (got.TotalViolations == nil || *got.TotalViolations != tt.wantTotal) {
				t.Errorf("totalViolations = %v, want %d", got.TotalViolations, tt.wantTotal)
			}
			if len(got.Violations) != tt.wantListed || got.ViolationsTruncated != tt.wantTruncated {
				t.Errorf("%d violations, truncated %v; want %d, %v", len(got.Violations), got.ViolationsTruncated, tt.wantListed, tt.wantTruncated)
			}
			if got.EvaluationRequest != "scan-7" {
				t.Errorf("evaluationRequest = %q, want the spec's echoed", got.EvaluationRequest)
			}
		})
	}
}

func TestRecordAuditKeepsTheViolatingObject(t *testing.T) {
	ps := policySync(t, "p")
	status := auditStatus(1, 1)
	long := strings.Repeat("é", maxViolationMessage)
	status["violations"].([]any)[0].(map[string]any)["message"] = long
	st, err := readConstraintStatus(liveConstraint(t, ps, status))
	if err != nil {
		t.Fatal(err)
	}
	recordAudit(ps, st, 1)
	v := ps.Status.Violations[0]
	if v.Kind != "Namespace" || v.Version != "v1" || v.Name != "ns-0" || v.EnforcementAction != "dryrun" {
		t.Errorf("violation = %+v", v)
	}
	if len(v.Message) > maxViolationMessage || !strings.HasSuffix(v.Message, "...") || !strings.HasPrefix(v.Message, "é") {
		t.Errorf("message of %d bytes = %q..., want at most %d, cut at a character", len(v.Message), v.Message[:10], maxViolationMessage)
	}
}
