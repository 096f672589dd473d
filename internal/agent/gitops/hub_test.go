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
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func int64p(v int64) *int64 { return &v }

func TestCRSpecRoundTrip(t *testing.T) {
	noWait := false
	hub := protocol.GitOpsConfigurationSpec{
		Scope: "namespace", Namespace: "team-a", SourceKind: "GitRepository", Suspend: true,
		GitRepository: &protocol.GitRepositoryDefinition{
			URL: "ssh://git@git.example.com/org/repo", TimeoutInSeconds: int64p(120), SyncIntervalInSeconds: int64p(60),
			RepositoryRef: &protocol.RepositoryRefDefinition{Tag: "v1.2.0"},
			SSHKnownHosts: b64("git.example.com ssh-ed25519 AAAA"), HTTPSUser: "bot", HTTPSCACert: b64("CA PEM"),
		},
		Kustomizations: map[string]protocol.KustomizationDefinition{
			"infra": {Path: "./infra", Prune: true, TimeoutInSeconds: int64p(300)},
			"apps": {Path: "./apps", DependsOn: []string{"infra"}, RetryIntervalInSeconds: int64p(30), Wait: &noWait,
				PostBuild: &protocol.PostBuildDefinition{Substitute: map[string]string{"env": "prod"},
					SubstituteFrom: []protocol.SubstituteFromDefinition{{Kind: "Secret", Name: "vars"}}}},
		},
	}
	spec, err := CRSpec(hub, "web-protected")
	if err != nil {
		t.Fatalf("CRSpec: %v", err)
	}
	if spec.GitRepository.SSHKnownHosts != "git.example.com ssh-ed25519 AAAA" || spec.GitRepository.HTTPSCACert != "CA PEM" {
		t.Errorf("base64 fields not decoded: known hosts %q, CA %q", spec.GitRepository.SSHKnownHosts, spec.GitRepository.HTTPSCACert)
	}
	if spec.GitRepository.Timeout.Duration != 2*time.Minute || spec.Kustomizations[0].Name != "apps" {
		t.Errorf("CRSpec = %+v: want a 2m timeout and the kustomizations sorted by name", spec)
	}
	if spec.SecretRef == nil || spec.SecretRef.Name != "web-protected" {
		t.Errorf("secretRef = %v, want web-protected", spec.SecretRef)
	}
	if back := ProtocolSpec(spec); !reflect.DeepEqual(back, hub) {
		t.Errorf("ProtocolSpec(CRSpec(x)) = %+v\nwant %+v", back, hub)
	}
}

func TestCRSpecRejectsBadBase64(t *testing.T) {
	_, err := CRSpec(protocol.GitOpsConfigurationSpec{GitRepository: &protocol.GitRepositoryDefinition{
		URL: "https://x.example/r", SSHKnownHosts: "not base64!"}}, "")
	if !errors.Is(err, flux.ErrInvalidSpec) || !strings.Contains(err.Error(), "gitRepository.sshKnownHosts") {
		t.Fatalf("CRSpec error = %v, want an ErrInvalidSpec naming gitRepository.sshKnownHosts", err)
	}
}

func TestProtectedSecretData(t *testing.T) {
	data, err := ProtectedSecretData(map[string]string{flux.ProtectedSSHPrivateKey: b64("PEM"), flux.ProtectedHTTPSKey: b64("pw")})
	if err != nil {
		t.Fatalf("ProtectedSecretData: %v", err)
	}
	if string(data[flux.ProtectedSSHPrivateKey]) != "PEM" || string(data[flux.ProtectedHTTPSKey]) != "pw" {
		t.Errorf("ProtectedSecretData = %q, want the decoded values", data)
	}
	_, err = ProtectedSecretData(map[string]string{flux.ProtectedHTTPSKey: "s3cret-not-base64!"})
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), flux.ProtectedHTTPSKey) {
		t.Errorf("error = %v, want one naming the key and not the value", err)
	}
}

func TestHubStatus(t *testing.T) {
	updated := metav1.NewTime(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	cfg := &arcv1alpha1.GitOpsConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Generation: 2},
		Spec: arcv1alpha1.GitOpsConfigurationSpec{GitRepository: &arcv1alpha1.GitRepositorySource{
			URL: "https://x.example/r", RepositoryRef: arcv1alpha1.RepositoryRef{Branch: "main"}}},
		Status: arcv1alpha1.GitOpsConfigurationStatus{
			ObservedGeneration: 2, ComplianceState: arcv1alpha1.ComplianceNonCompliant, ErrorMessage: "build failed",
			SourceSyncedCommitID: "main@sha1:abc", SourceUpdatedAt: &updated,
			Statuses: []arcv1alpha1.FluxObjectStatus{{Kind: "Kustomization", Name: "web-apps", Namespace: "default",
				ComplianceState: arcv1alpha1.ComplianceNonCompliant,
				Conditions:      []metav1.Condition{{Type: "Ready", Status: "False", Reason: "BuildFailed", Message: "build failed"}}}},
		},
	}
	tests := []struct {
		name         string
		mutate       func(*arcv1alpha1.GitOpsConfiguration)
		clusterOwned bool
		wantState    string
	}{
		{name: "applied, non-compliant", wantState: protocol.ProvisioningSucceeded},
		{name: "new generation", mutate: func(c *arcv1alpha1.GitOpsConfiguration) { c.Generation = 3 }, wantState: protocol.ProvisioningInProgress},
		{name: "stalled", mutate: func(c *arcv1alpha1.GitOpsConfiguration) {
			c.Status.Conditions = []metav1.Condition{{Type: arcv1alpha1.StalledCondition, Status: "True"}}
		}, wantState: protocol.ProvisioningFailed},
		{name: "cluster-owned", clusterOwned: true, wantState: protocol.ProvisioningSucceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg.DeepCopy()
			if tt.mutate != nil {
				tt.mutate(c)
			}
			got := HubStatus(c, tt.clusterOwned)
			if got.ProvisioningState != tt.wantState || got.ComplianceState != "Non-Compliant" ||
				got.SourceSyncedCommitID != "main@sha1:abc" || got.SourceUpdatedAt != "2026-11-23T10:00:00Z" {
				t.Errorf("HubStatus = %+v, want provisioning %s, Non-Compliant at main@sha1:abc", got, tt.wantState)
			}
			if len(got.Statuses) != 1 || got.Statuses[0].StatusConditions[0].Reason != "BuildFailed" {
				t.Errorf("statuses = %+v, want the Kustomization with its Ready condition", got.Statuses)
			}
			if (got.ClusterOwned != nil) != tt.clusterOwned {
				t.Errorf("ClusterOwned = %v, want it only for a cluster-owned configuration", got.ClusterOwned)
			}
		})
	}
}
