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

package reconcile_test

import (
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/localcluster"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// k8s is a client of a real API server: the lost update below happens in the server's merge
// of a patch, which a fake client does not reproduce faithfully.
var k8s client.Client

func TestMain(m *testing.M) {
	env, cfg, err := localcluster.Start()
	if err != nil {
		panic(err)
	}
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = arcv1alpha1.AddToScheme(scheme)
	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// newExtension creates an Extension for one test, in a namespace of its own.
func newExtension(t *testing.T) *arcv1alpha1.Extension {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "patch-"}}
	if err := k8s.Create(t.Context(), ns); err != nil {
		t.Fatal(err)
	}
	obj := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "demo"},
		Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "demo", Version: "1.0.0",
			Chart: arcv1alpha1.ChartReference{Repository: "https://charts.example.com", Name: "demo", Version: "1.0.0"}}}
	if err := k8s.Create(t.Context(), obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func read(t *testing.T, obj *arcv1alpha1.Extension) *arcv1alpha1.Extension {
	t.Helper()
	out := &arcv1alpha1.Extension{}
	if err := k8s.Get(t.Context(), client.ObjectKeyFromObject(obj), out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The reconciler reads the Extension, the desired-state mirror then rejects the hub's latest
// object (HubSynced=False), and the reconciler writes its outcome from what it read: the
// mirror's condition must survive.
func TestTheReconcilersPatchKeepsTheMirrorsCondition(t *testing.T) {
	created := newExtension(t)
	seen := read(t, created)
	patcher := reconcile.NewPatcher(k8s, seen, reconcile.KStatusConditions...)

	mirror := desired.Target{Client: k8s, Namespace: created.Namespace}
	if err := mirror.Reject(t.Context(), &arcv1alpha1.Extension{}, "demo", &desired.InvalidError{Message: "cannot decrypt"}); err != nil {
		t.Fatal(err)
	}

	reconcile.MarkReady(seen, arcv1alpha1.SucceededReason, "Installed demo 1.0.0")
	seen.Status.InstalledVersion = "1.0.0"
	if err := patcher.Patch(t.Context(), seen); err != nil {
		t.Fatal(err)
	}

	got := read(t, created)
	if c := meta.FindStatusCondition(got.Status.Conditions, arcv1alpha1.HubSyncedCondition); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("HubSynced = %+v after the reconciler's patch, want the mirror's False to stay", c)
	}
	if !meta.IsStatusConditionTrue(got.Status.Conditions, arcv1alpha1.ReadyCondition) || got.Status.InstalledVersion != "1.0.0" {
		t.Errorf("status = %+v, want the reconciler's Ready and installed version", got.Status)
	}
}

// The mirror reads the Extension to clear an old rejection, the reconciler then writes Ready
// False, and the mirror patches from what it read: the reconciler's condition must survive.
func TestTheMirrorsPatchKeepsTheReconcilersConditions(t *testing.T) {
	created := newExtension(t)
	mirror := desired.Target{Client: k8s, Namespace: created.Namespace}
	if err := mirror.Reject(t.Context(), &arcv1alpha1.Extension{}, "demo", &desired.InvalidError{Message: "cannot decrypt"}); err != nil {
		t.Fatal(err)
	}
	mirrorSeen := read(t, created)
	mirrorPatcher := reconcile.NewPatcher(k8s, mirrorSeen, arcv1alpha1.HubSyncedCondition)

	reconcilerSeen := read(t, created)
	reconcilerPatcher := reconcile.NewPatcher(k8s, reconcilerSeen, reconcile.KStatusConditions...)
	reconcile.MarkRetrying(reconcilerSeen, arcv1alpha1.InstallFailedReason, "Installing demo 1.0.0 failed")
	if err := reconcilerPatcher.Patch(t.Context(), reconcilerSeen); err != nil {
		t.Fatal(err)
	}

	reconcile.Remove(mirrorSeen, arcv1alpha1.HubSyncedCondition)
	if err := mirrorPatcher.Patch(t.Context(), mirrorSeen); err != nil {
		t.Fatal(err)
	}

	got := read(t, created)
	if c := meta.FindStatusCondition(got.Status.Conditions, arcv1alpha1.ReadyCondition); c == nil || c.Reason != arcv1alpha1.InstallFailedReason {
		t.Errorf("Ready = %+v after the mirror's patch, want the reconciler's InstallFailed to stay", c)
	}
	if !meta.IsStatusConditionTrue(got.Status.Conditions, arcv1alpha1.ReconcilingCondition) {
		t.Errorf("conditions = %+v, want the reconciler's Reconciling to stay", got.Status.Conditions)
	}
	if c := meta.FindStatusCondition(got.Status.Conditions, arcv1alpha1.HubSyncedCondition); c != nil {
		t.Errorf("HubSynced = %+v, want the mirror's removal applied", c)
	}
}
