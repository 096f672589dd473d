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
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func gitOpsCR(hubOwned bool) *arcv1alpha1.GitOpsConfiguration {
	cfg := &arcv1alpha1.GitOpsConfiguration{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kubearc-system", Name: "web", Generation: 1},
		Spec: arcv1alpha1.GitOpsConfigurationSpec{Namespace: "flux-system", GitRepository: &arcv1alpha1.GitRepositorySource{
			URL: "https://git.example.com/org/web", RepositoryRef: arcv1alpha1.RepositoryRef{Branch: "main"}}},
		Status: arcv1alpha1.GitOpsConfigurationStatus{ObservedGeneration: 1, ComplianceState: arcv1alpha1.ComplianceCompliant,
			SourceSyncedCommitID: "main@sha1:abc",
			Statuses: []arcv1alpha1.FluxObjectStatus{{Kind: "GitRepository", Name: "web", Namespace: "flux-system",
				ComplianceState: arcv1alpha1.ComplianceCompliant}}},
	}
	if hubOwned {
		cfg.Labels = map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}
		cfg.Annotations = map[string]string{arcv1alpha1.HubResourceVersionAnnotation: "9", arcv1alpha1.HubNameAnnotation: "Web"}
	}
	return cfg
}

func TestGitOpsStatus(t *testing.T) {
	tests := []struct {
		name             string
		hubOwned         bool
		wantName, wantRV string
	}{
		{name: "hub-owned: the hub's name and resourceVersion", hubOwned: true, wantName: "Web", wantRV: "9"},
		{name: "cluster-owned: the CR's name and its spec", hubOwned: false, wantName: "web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := Source("kubearc-system").Status(gitOpsCR(tt.hubOwned))
			if !ok || s.Kind != protocol.KindGitOpsConfiguration || s.Name != tt.wantName || s.ObservedResourceVersion != tt.wantRV {
				t.Fatalf("Status = %+v, %v; want %s at resourceVersion %q", s, ok, tt.wantName, tt.wantRV)
			}
			var st protocol.GitOpsConfigurationStatus
			if err := json.Unmarshal(s.Status, &st); err != nil {
				t.Fatal(err)
			}
			if st.ComplianceState != "Compliant" || st.ProvisioningState != protocol.ProvisioningSucceeded ||
				st.SourceSyncedCommitID != "main@sha1:abc" || len(st.Statuses) != 1 {
				t.Errorf("status = %+v", st)
			}
			if (st.ClusterOwned != nil) == tt.hubOwned {
				t.Errorf("ClusterOwned = %+v; want the spec only for a cluster-owned configuration", st.ClusterOwned)
			}
		})
	}
	if _, ok := Source("elsewhere").Status(gitOpsCR(true)); ok {
		t.Error("a configuration outside the agent's namespace was reported")
	}
}

func TestGitOpsDeleted(t *testing.T) {
	s, ok := Source("kubearc-system").Deleted(gitOpsCR(true))
	var st protocol.GitOpsConfigurationStatus
	if !ok || json.Unmarshal(s.Status, &st) != nil || st.ProvisioningState != protocol.ProvisioningDeleted || s.Name != "Web" {
		t.Errorf("Deleted = %+v (%s), want a Deleted status for Web", s, s.Status)
	}
}
