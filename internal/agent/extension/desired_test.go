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

package extension

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
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
	"github.com/kubearc/kubearc/pkg/seal"
)

const ns = desiredtest.Namespace

// newFixture is a fake cluster holding objs, with the Extension kind plugged into its Mirror.
func newFixture(t *testing.T, objs ...client.Object) *desiredtest.Fixture {
	t.Helper()
	return desiredtest.New(t, &arcv1alpha1.Extension{}, Desired, objs...)
}

func spec(version string) protocol.ExtensionSpec {
	return protocol.ExtensionSpec{ExtensionType: "demo", Version: version, Scope: protocol.ScopeCluster, Namespace: "demo",
		Chart:                 protocol.ChartRef{Repository: "https://charts.example.com", Name: "demo", Version: version},
		ConfigurationSettings: map[string]string{"greeting": "hello"}}
}

func TestExtensionsApplyWritesTheCRAndTheProtectedSecret(t *testing.T) {
	f := newFixture(t)
	s := spec("0.1.0")
	s.ProtectedSettings = f.Seal(t, map[string]string{"auth.password": "s3cret-value"})
	if err := f.Apply(t, f.Object(t, "Demo", "7", s)); err != nil {
		t.Fatalf("sync: %v", err)
	}
	cr := &arcv1alpha1.Extension{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "demo"}, cr); err != nil {
		t.Fatalf("the Extension CR was not created: %v", err)
	}
	if !cr.HubOwned() || cr.Annotations[arcv1alpha1.HubResourceVersionAnnotation] != "7" || cr.Annotations[arcv1alpha1.HubNameAnnotation] != "Demo" {
		t.Errorf("CR metadata = %v %v, want hub-owned with resourceVersion 7 and hub name Demo", cr.Labels, cr.Annotations)
	}
	if cr.Spec.Chart.Version != "0.1.0" || cr.Spec.ConfigurationSettings["greeting"] != "hello" || cr.Spec.Namespace != "demo" {
		t.Errorf("CR spec = %+v", cr.Spec)
	}
	specJSON, _ := json.Marshal(cr.Spec)
	if strings.Contains(string(specJSON), "s3cret-value") {
		t.Errorf("the CR's spec holds a protected value: %s", specJSON)
	}
	secret := &corev1.Secret{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "demo" + desired.ProtectedSettingsSuffix}, secret); err != nil {
		t.Fatalf("the protected settings Secret was not created: %v", err)
	}
	if string(secret.Data["auth.password"]) != "s3cret-value" || cr.Spec.ProtectedSettingsSecretRef == nil ||
		cr.Spec.ProtectedSettingsSecretRef.Name != secret.Name || !metav1.IsControlledBy(secret, cr) {
		t.Errorf("Secret = %v owned by %v; CR ref %v", secret.Data, secret.OwnerReferences, cr.Spec.ProtectedSettingsSecretRef)
	}
}

func TestAnUndecryptableObjectKeepsTheLastGoodCR(t *testing.T) {
	f := newFixture(t)
	if err := f.Apply(t, f.Object(t, "demo", "1", spec("0.1.0"))); err != nil {
		t.Fatal(err)
	}
	bad := spec("0.2.0")
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	plain, _ := json.Marshal(map[string]string{"auth.password": "s3cret-value"})
	bad.ProtectedSettings, _ = seal.ForAgent(&other.PublicKey, plain) // sealed for another cluster
	if err := f.Apply(t, f.Object(t, "demo", "2", bad)); err != nil {
		t.Fatalf("an invalid object must not be retried as an error: %v", err)
	}
	cr := &arcv1alpha1.Extension{}
	if err := f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "demo"}, cr); err != nil {
		t.Fatalf("the last good CR was removed: %v", err)
	}
	if cr.Spec.Version != "0.1.0" || cr.Annotations[arcv1alpha1.HubResourceVersionAnnotation] != "1" {
		t.Errorf("CR = version %s at hub resourceVersion %s, want the last good 0.1.0 at 1", cr.Spec.Version, cr.Annotations[arcv1alpha1.HubResourceVersionAnnotation])
	}
	synced := meta.FindStatusCondition(cr.Status.Conditions, arcv1alpha1.HubSyncedCondition)
	if synced == nil || synced.Status != metav1.ConditionFalse || !strings.Contains(synced.Message, "cannot be decrypted") {
		t.Errorf("HubSynced = %+v, want False saying the settings cannot be decrypted", synced)
	}
	if len(f.Reports) != 1 || f.Reports[0].ObservedResourceVersion != "2" || !strings.Contains(string(f.Reports[0].Status), `"provisioningState":"Failed"`) {
		t.Errorf("reported %+v, want one Failed status for resourceVersion 2", f.Reports)
	}
	for _, r := range f.Reports {
		if strings.Contains(string(r.Status), "s3cret") {
			t.Errorf("a status holds a protected value: %s", r.Status)
		}
	}

	// The hub fixes the object: it is applied and the rejection goes.
	if err := f.Apply(t, f.Object(t, "demo", "3", spec("0.2.0"))); err != nil {
		t.Fatal(err)
	}
	_ = f.Client.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: "demo"}, cr)
	if cr.Spec.Version != "0.2.0" || meta.FindStatusCondition(cr.Status.Conditions, arcv1alpha1.HubSyncedCondition) != nil {
		t.Errorf("after the fix: version %s, conditions %+v; want 0.2.0 and no HubSynced", cr.Spec.Version, cr.Status.Conditions)
	}
}

func TestPruneDeletesOnlyHubOwnedExtensionsTheHubDropped(t *testing.T) {
	local := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "local"}, Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "x"}}
	f := newFixture(t, local)
	if err := f.Apply(t, f.Object(t, "a", "1", spec("0.1.0")), f.Object(t, "b", "1", spec("0.1.0"))); err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(t, f.Object(t, "a", "1", spec("0.1.0"))); err != nil {
		t.Fatal(err)
	}
	names := f.Names(t, &arcv1alpha1.ExtensionList{})
	if strings.Join(names, ",") != "a,local" {
		t.Errorf("Extensions after the hub dropped b = %v, want a and the cluster-owned local", names)
	}
}

func TestNothingIsPrunedBeforeTheHubSpoke(t *testing.T) {
	hubOwned := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "a",
		Labels: map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}}}
	f := newFixture(t, hubOwned)
	if err := f.Mirror.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := f.Client.Get(t.Context(), client.ObjectKeyFromObject(hubOwned), &arcv1alpha1.Extension{}); err != nil {
		t.Errorf("a hub-owned Extension was deleted before any desired state arrived: %v", err)
	}
}

func TestInvalidObjects(t *testing.T) {
	f := newFixture(t)
	kind := f.Mirror.Kinds[0]
	noChart := spec("0.1.0")
	noChart.Chart = protocol.ChartRef{}
	badScope := spec("0.1.0")
	badScope.Scope = "galaxy"
	tests := []struct {
		name string
		obj  protocol.DesiredObject
		want string
	}{
		{"name not a release name", f.Object(t, "has_underscore", "1", spec("0.1.0")), "cannot name a Helm release"},
		{"no chart", f.Object(t, "x", "1", noChart), "lacks chart.name, chart.repository, chart.version"},
		{"bad scope", f.Object(t, "x", "1", badScope), `scope "galaxy"`},
		{"not JSON", protocol.DesiredObject{Kind: protocol.KindExtension, Name: "x", Spec: json.RawMessage(`[`)}, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := kind.Apply(t.Context(), tt.obj)
			var invalid *desired.InvalidError
			if !errors.As(err, &invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Apply() error = %v, want an InvalidError containing %q", err, tt.want)
			}
		})
	}
}
