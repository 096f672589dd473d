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

package report_test

import (
	"testing"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
	"github.com/kubearc/kubearc/internal/report"
)

// TestAFailureIsReportedOnce checks that a retried failure reaches the hub as Ready's message
// only, not a second time as Reconciling's "Retrying: …", while real progress still shows.
func TestAFailureIsReportedOnce(t *testing.T) {
	obj := &arcv1alpha1.Extension{}
	reconcile.MarkRetrying(obj, arcv1alpha1.InstallFailedReason, "fetching chart demo-0.1.0: connection refused")
	got := report.Conditions(obj.Status.Conditions)
	if len(got) != 1 || got[0].Type != arcv1alpha1.ReadyCondition || got[0].Message != "fetching chart demo-0.1.0: connection refused" {
		t.Fatalf("a retried failure must be reported once, as Ready: %+v", got)
	}

	reconcile.MarkReconciling(obj, arcv1alpha1.ProgressingReason, "Installing demo 0.1.0")
	got = report.Conditions(obj.Status.Conditions)
	if len(got) != 2 {
		t.Fatalf("Reconciling that says what happens now must be reported beside Ready: %+v", got)
	}
	for _, c := range got {
		if c.Status == "" || c.LastTransitionTime == "" {
			t.Errorf("condition %s lacks status or time: %+v", c.Type, c)
		}
	}
}
