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

package gitops

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/nested"

	"github.com/kubearc/kubearc/pkg/protocol"
)

func gitopsStatus(t *testing.T, rv string, st protocol.GitOpsConfigurationStatus) *protocol.ObjectStatus {
	t.Helper()
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return &protocol.ObjectStatus{Kind: protocol.KindGitOpsConfiguration, Name: "cfg", ObservedResourceVersion: rv, Status: raw}
}

func TestRenderState(t *testing.T) {
	ok := protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningSucceeded, ComplianceState: protocol.ComplianceCompliant, SourceSyncedCommitID: "main@sha1:1"}
	failed := protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningFailed, ComplianceState: protocol.ComplianceNonCompliant, ErrorMessage: "bad path"}
	progress := protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningInProgress, ComplianceState: protocol.CompliancePending}
	tests := []struct {
		name                      string
		rec                       Record
		st                        *protocol.ObjectStatus
		wantState, wantCompliance string
		wantCommit, wantError     string
	}{
		{"nothing reported", Record{Meta: nested.Meta{Phase: StateCreating}}, nil, StateCreating, protocol.CompliancePending, "", ""},
		{"current spec applied", Record{Meta: nested.Meta{Phase: StateCreating}}, gitopsStatus(t, "7", ok), StateSucceeded, protocol.ComplianceCompliant, "main@sha1:1", ""},
		{"older spec applied keeps Updating and Pending", Record{Meta: nested.Meta{Phase: StateUpdating}}, gitopsStatus(t, "6", ok), StateUpdating, protocol.CompliancePending, "main@sha1:1", ""},
		{"current spec failed", Record{Meta: nested.Meta{Phase: StateUpdating}}, gitopsStatus(t, "7", failed), StateFailed, protocol.ComplianceNonCompliant, "", "bad path"},
		{"in progress", Record{Meta: nested.Meta{Phase: StateCreating}}, gitopsStatus(t, "7", progress), StateCreating, protocol.CompliancePending, "", ""},
		{"deleting wins", Record{Meta: nested.Meta{Phase: StateCreating, Deleting: true}}, gitopsStatus(t, "7", ok), StateDeleting, protocol.ComplianceCompliant, "main@sha1:1", ""},
		{"no compliance reported", Record{Meta: nested.Meta{Phase: StateCreating}}, gitopsStatus(t, "7", protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningSucceeded}), StateSucceeded, protocol.ComplianceUnknown, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Render(&tt.rec, "7", tt.st).Properties
			if p.ProvisioningState != tt.wantState || p.ComplianceState != tt.wantCompliance || p.SourceSyncedCommitID != tt.wantCommit || p.ErrorMessage != tt.wantError {
				t.Errorf("state %s compliance %s commit %q error %q, want %s %s %q %q", p.ProvisioningState, p.ComplianceState,
					p.SourceSyncedCommitID, p.ErrorMessage, tt.wantState, tt.wantCompliance, tt.wantCommit, tt.wantError)
			}
		})
	}
}

func TestClusterOwnedIsShownWithoutSecrets(t *testing.T) {
	spec := protocol.GitOpsConfigurationSpec{Scope: "cluster", Namespace: "apps", SourceKind: "GitRepository", ProtectedSettings: "jwe",
		GitRepository: &protocol.GitRepositoryDefinition{URL: "https://h/r", RepositoryRef: &protocol.RepositoryRefDefinition{Branch: "main"}}}
	st := gitopsStatus(t, "", protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningSucceeded, ComplianceState: protocol.ComplianceCompliant, ClusterOwned: &spec})
	doc, ok := ClusterOwned("/c", *st)
	if !ok || doc.ID != "/c/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/cfg" || doc.Properties.Namespace != "apps" ||
		doc.SystemData.CreatedByType != "Cluster" || doc.Properties.ComplianceState != protocol.ComplianceCompliant {
		t.Fatalf("cluster-owned = %+v %v", doc, ok)
	}
	if raw, _ := json.Marshal(doc); strings.Contains(string(raw), "jwe") {
		t.Errorf("the cluster-owned document shows protected settings: %s", raw)
	}
	if _, ok := ClusterOwned("/c", *gitopsStatus(t, "5", protocol.GitOpsConfigurationStatus{ClusterOwned: &spec})); ok {
		t.Error("a status of a hub spec is shown as cluster-owned")
	}
}
