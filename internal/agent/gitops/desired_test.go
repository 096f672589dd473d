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
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/desired/desiredtest"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const ns = desiredtest.Namespace

// gitOpsFixture is a fake cluster holding objs, with the GitOps kind plugged into its Mirror.
func gitOpsFixture(t *testing.T, objs ...client.Object) *desiredtest.Fixture {
	t.Helper()
	return desiredtest.New(t, &arcv1alpha1.GitOpsConfiguration{}, Desired, objs...)
}

func gitOpsSpec() protocol.GitOpsConfigurationSpec {
	return protocol.GitOpsConfigurationSpec{
		Scope: "cluster", Namespace: "flux-system", SourceKind: "GitRepository",
		GitRepository: &protocol.GitRepositoryDefinition{URL: "ssh://git@git.example.com/org/repo",
			RepositoryRef: &protocol.RepositoryRefDefinition{Branch: "main"},
			SSHKnownHosts: base64.StdEncoding.EncodeToString([]byte("git.example.com ssh-ed25519 AAAA"))},
		Kustomizations: map[string]protocol.KustomizationDefinition{"apps": {Path: "./apps", Prune: true}},
	}
}

func TestGitOpsApplyWritesTheCRAndTheProtectedSecret(t *testing.T) {
	f := gitOpsFixture(t)
	s := gitOpsSpec()
	s.ProtectedSettings = f.Seal(t, map[string]string{
		protocol.ProtectedSSHPrivateKey: base64.StdEncoding.EncodeToString([]byte("PRIVATE-KEY-CANARY"))})
	if err := f.Apply(t, f.Object(t, "Web", "5", s)); err != nil {
		t.Fatalf("sync: %v", err)
	}
	cr := &arcv1alpha1.GitOpsConfiguration{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "web"}, cr); err != nil {
		t.Fatalf("the GitOpsConfiguration CR was not created: %v", err)
	}
	if cr.Labels[arcv1alpha1.ManagedByLabel] != arcv1alpha1.ManagedByHub || cr.Annotations[arcv1alpha1.HubResourceVersionAnnotation] != "5" ||
		cr.Annotations[arcv1alpha1.HubNameAnnotation] != "Web" {
		t.Errorf("CR metadata = %v %v, want hub-owned at resourceVersion 5 named Web on the hub", cr.Labels, cr.Annotations)
	}
	if cr.Spec.GitRepository.SSHKnownHosts != "git.example.com ssh-ed25519 AAAA" || cr.Spec.Kustomizations[0].Name != "apps" ||
		cr.Spec.SecretRef == nil || cr.Spec.SecretRef.Name != "web"+desired.ProtectedSettingsSuffix {
		t.Errorf("CR spec = %+v", cr.Spec)
	}
	if specJSON, _ := json.Marshal(cr.Spec); strings.Contains(string(specJSON), "CANARY") {
		t.Errorf("the CR's spec holds a protected value: %s", specJSON)
	}
	secret := &corev1.Secret{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "web" + desired.ProtectedSettingsSuffix}, secret); err != nil {
		t.Fatalf("the protected settings Secret was not created: %v", err)
	}
	if string(secret.Data[protocol.ProtectedSSHPrivateKey]) != "PRIVATE-KEY-CANARY" || !metav1.IsControlledBy(secret, cr) {
		t.Errorf("Secret data %q owned by %v, want the decoded key owned by the CR", secret.Data, secret.OwnerReferences)
	}
}

func TestGitOpsBadBase64KeepsTheLastGoodCRAndTellsTheHub(t *testing.T) {
	f := gitOpsFixture(t)
	if err := f.Apply(t, f.Object(t, "web", "1", gitOpsSpec())); err != nil {
		t.Fatal(err)
	}
	bad := gitOpsSpec()
	bad.GitRepository.URL = "ssh://git@git.example.com/org/other"
	bad.ProtectedSettings = f.Seal(t, map[string]string{protocol.ProtectedHTTPSKey: "s3cret not base64"})
	if err := f.Apply(t, f.Object(t, "web", "2", bad)); err != nil {
		t.Fatalf("an invalid object must not be retried as an error: %v", err)
	}
	cr := &arcv1alpha1.GitOpsConfiguration{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "web"}, cr); err != nil {
		t.Fatal(err)
	}
	if cr.Spec.GitRepository.URL != "ssh://git@git.example.com/org/repo" {
		t.Errorf("url = %s, want the last good one", cr.Spec.GitRepository.URL)
	}
	synced := meta.FindStatusCondition(cr.Status.Conditions, arcv1alpha1.HubSyncedCondition)
	if synced == nil || synced.Status != metav1.ConditionFalse || !strings.Contains(synced.Message, "httpsKey is not valid base64") {
		t.Errorf("HubSynced = %+v, want False naming the bad key", synced)
	}
	if len(f.Reports) != 1 || !strings.Contains(string(f.Reports[0].Status), `"provisioningState":"Failed"`) ||
		strings.Contains(string(f.Reports[0].Status), "s3cret") {
		t.Errorf("reported %+v, want one Failed status without the value", f.Reports)
	}
}

func TestGitOpsPruneDeletesOnlyHubOwnedConfigurations(t *testing.T) {
	local := &arcv1alpha1.GitOpsConfiguration{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "local"}}
	f := gitOpsFixture(t, local)
	if err := f.Apply(t, f.Object(t, "a", "1", gitOpsSpec()), f.Object(t, "b", "1", gitOpsSpec())); err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(t, f.Object(t, "a", "1", gitOpsSpec())); err != nil {
		t.Fatal(err)
	}
	names := f.Names(t, &arcv1alpha1.GitOpsConfigurationList{})
	if strings.Join(names, ",") != "a,local" {
		t.Errorf("GitOpsConfigurations after the hub dropped b = %v, want a and the cluster-owned local", names)
	}
}
