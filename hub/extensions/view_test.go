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

package extensions

import (
	"encoding/json"
	"testing"

	"github.com/kubearc/kubearc/hub/nested"

	"github.com/kubearc/kubearc/pkg/protocol"
)

func status(t *testing.T, observed string, es protocol.ExtensionStatus) *protocol.ObjectStatus {
	t.Helper()
	raw, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	return &protocol.ObjectStatus{Kind: protocol.KindExtension, Name: "flux", ObservedResourceVersion: observed, Status: raw}
}

func TestView(t *testing.T) {
	succeeded := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded, InstalledVersion: "2.16.2",
		Conditions: []protocol.Condition{{Type: "Ready", Status: "True", Reason: "InstallSucceeded", Message: "done"}}}
	failed := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningFailed, InstalledVersion: "2.15.0", Message: "chart not found"}
	inProgress := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningInProgress, InstalledVersion: "2.15.0",
		Conditions: []protocol.Condition{{Type: "Ready", Status: "False", Reason: "Progressing"}}}
	tests := []struct {
		name        string
		rec         Record
		st          *protocol.ObjectStatus
		wantState   string
		wantCurrent string
		wantError   string
		wantLevel   string
	}{
		{"no status yet", Record{Meta: nested.Meta{Phase: PhaseCreating}}, nil, PhaseCreating, "", "", ""},
		{"current spec succeeded", Record{Meta: nested.Meta{Phase: PhaseCreating}}, status(t, "7", succeeded), StateSucceeded, "2.16.2", "", "Information"},
		{"older spec succeeded keeps Updating", Record{Meta: nested.Meta{Phase: PhaseUpdating}}, status(t, "6", succeeded), PhaseUpdating, "2.16.2", "", "Information"},
		{"current spec failed", Record{Meta: nested.Meta{Phase: PhaseUpdating}}, status(t, "7", failed), StateFailed, "2.15.0", "chart not found", "Error"},
		{"in progress", Record{Meta: nested.Meta{Phase: PhaseUpdating}}, status(t, "7", inProgress), PhaseUpdating, "2.15.0", "", "Warning"},
		{"deleting wins", Record{Meta: nested.Meta{Phase: PhaseCreating, Deleting: true}}, status(t, "7", succeeded), StateDeleting, "2.16.2", "", "Information"},
		{"undecodable status", Record{Meta: nested.Meta{Phase: PhaseCreating}}, &protocol.ObjectStatus{ObservedResourceVersion: "7", Status: json.RawMessage("[")}, PhaseCreating, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.rec.View("7", tt.st)
			if v.ProvisioningState != tt.wantState || v.CurrentVersion != tt.wantCurrent {
				t.Errorf("state %s current %s, want %s %s", v.ProvisioningState, v.CurrentVersion, tt.wantState, tt.wantCurrent)
			}
			if (v.ErrorInfo == nil) != (tt.wantError == "") || (v.ErrorInfo != nil && v.ErrorInfo.Message != tt.wantError) {
				t.Errorf("errorInfo = %+v, want %q", v.ErrorInfo, tt.wantError)
			}
			if tt.wantLevel != "" && (len(v.Statuses) != 1 || v.Statuses[0].Level != tt.wantLevel) {
				t.Errorf("statuses = %+v, want one at level %s", v.Statuses, tt.wantLevel)
			}
		})
	}
}

func TestClusterOwned(t *testing.T) {
	owned := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded, InstalledVersion: "3.17.1", ExtensionType: "gatekeeper",
		Scope: protocol.ScopeCluster, Namespace: "gatekeeper-system"}
	rec, v, ok := ClusterOwned("/c", *status(t, "", owned))
	if !ok || rec.Audit.CreatedByType != nested.CreatedByCluster || rec.ExtensionType != "gatekeeper" || v.ProvisioningState != StateSucceeded ||
		rec.ID != "/c/providers/Microsoft.KubernetesConfiguration/extensions/flux" {
		t.Errorf("cluster-owned = %+v %+v %v", rec, v, ok)
	}
	if _, _, ok := ClusterOwned("/c", *status(t, "5", owned)); ok {
		t.Error("a status of a hub spec is not cluster-owned")
	}
	if _, _, ok := ClusterOwned("/c", *status(t, "", protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningDeleted})); ok {
		t.Error("an uninstalled release is not shown")
	}
}
