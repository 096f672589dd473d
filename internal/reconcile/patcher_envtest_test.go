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
	"context"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/localcluster"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// k8s is a client of a real API server: the lost update below happens in the server's merge
// of a patch, which a fake client does not reproduce faithfully. config reaches the same
// server, for the tests that build a cache.
var (
	k8s    client.Client
	config *rest.Config
	scheme = runtime.NewScheme()
)

func TestMain(m *testing.M) {
	env, cfg, err := localcluster.Start()
	if err != nil {
		panic(err)
	}
	config = cfg
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
	patcher := reconcile.NewPatcher(k8s, k8s, seen, reconcile.KStatusConditions...)

	mirror := desired.Target{Client: k8s, APIReader: k8s, Namespace: created.Namespace}
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
	mirror := desired.Target{Client: k8s, APIReader: k8s, Namespace: created.Namespace}
	if err := mirror.Reject(t.Context(), &arcv1alpha1.Extension{}, "demo", &desired.InvalidError{Message: "cannot decrypt"}); err != nil {
		t.Fatal(err)
	}
	mirrorSeen := read(t, created)
	mirrorPatcher := reconcile.NewPatcher(k8s, k8s, mirrorSeen, arcv1alpha1.HubSyncedCondition)

	reconcilerSeen := read(t, created)
	reconcilerPatcher := reconcile.NewPatcher(k8s, k8s, reconcilerSeen, reconcile.KStatusConditions...)
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

// laggingCache is a cached client of namespace, as a manager's, whose cache falls behind the
// server by a second while lag is set, and which counts the status patches the server refused
// with a conflict.
type laggingCache struct {
	client.Client
	lag       atomic.Bool
	conflicts atomic.Int32
}

func newLaggingCache(t *testing.T, namespace string) *laggingCache {
	t.Helper()
	lc := &laggingCache{}
	informers, err := cache.New(config, cache.Options{Scheme: scheme, DefaultNamespaces: map[string]cache.Config{namespace: {}},
		DefaultTransform: func(obj any) (any, error) {
			if lc.lag.Load() {
				time.Sleep(time.Second)
			}
			return obj, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = informers.Start(t.Context()) }()
	cached, err := client.NewWithWatch(config, client.Options{Scheme: scheme, Cache: &client.CacheOptions{Reader: informers}})
	if err != nil {
		t.Fatal(err)
	}
	lc.Client = interceptor.NewClient(cached, interceptor.Funcs{
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			err := c.SubResource(sub).Patch(ctx, obj, patch, opts...)
			if apierrors.IsConflict(err) {
				lc.conflicts.Add(1)
			}
			return err
		}})
	return lc
}

// readLagging creates an Extension and reads it as a reconciler does, from its cache, which
// then falls behind; it returns the cache, what the reconciler saw and its patcher.
func readLagging(t *testing.T) (*laggingCache, *arcv1alpha1.Extension, *reconcile.Patcher) {
	t.Helper()
	created := newExtension(t)
	cached := newLaggingCache(t, created.Namespace)
	seen := &arcv1alpha1.Extension{}
	err := wait.PollUntilContextTimeout(t.Context(), 20*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		return cached.Get(ctx, client.ObjectKeyFromObject(created), seen) == nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cached.lag.Store(true)
	return cached, seen, reconcile.NewPatcher(cached, k8s, seen, reconcile.KStatusConditions...)
}

// A reconciler reads from its cache, adds its finalizer and writes its outcome while the cache
// still holds the object from before the finalizer: the status patch goes through at once,
// with no conflict.
func TestAPatchAfterTheWritersOwnWriteDoesNotWaitForTheCache(t *testing.T) {
	cached, seen, patcher := readLagging(t)
	if err := reconcile.AddFinalizer(t.Context(), cached, seen, "test.kubearc.io/finalizer"); err != nil {
		t.Fatal(err)
	}

	reconcile.MarkReady(seen, arcv1alpha1.SucceededReason, "Installed demo 1.0.0")
	if err := patcher.Patch(t.Context(), seen); err != nil {
		t.Fatalf("Patch = %v, want the status written", err)
	}
	if n := cached.conflicts.Load(); n != 0 {
		t.Errorf("the server refused %d status patches with a conflict, want none", n)
	}
	got := read(t, seen)
	if !meta.IsStatusConditionTrue(got.Status.Conditions, arcv1alpha1.ReadyCondition) || len(got.Finalizers) != 1 {
		t.Errorf("finalizers %v, conditions %+v; want the finalizer and Ready True", got.Finalizers, got.Status.Conditions)
	}
}

// The Mirror writes HubSynced after the reconciler read the Extension from its cache, and the
// cache has not caught up when the reconciler writes its outcome: the patch is tried again on
// the server's latest, not the cache's, and keeps the Mirror's condition.
func TestAConflictIsRetriedOnTheServersLatestNotTheCache(t *testing.T) {
	_, seen, patcher := readLagging(t)
	mirror := desired.Target{Client: k8s, APIReader: k8s, Namespace: seen.Namespace}
	if err := mirror.Reject(t.Context(), &arcv1alpha1.Extension{}, "demo", &desired.InvalidError{Message: "cannot decrypt"}); err != nil {
		t.Fatal(err)
	}

	reconcile.MarkReady(seen, arcv1alpha1.SucceededReason, "Installed demo 1.0.0")
	if err := patcher.Patch(t.Context(), seen); err != nil {
		t.Fatalf("Patch = %v, want the status written", err)
	}
	got := read(t, seen)
	if c := meta.FindStatusCondition(got.Status.Conditions, arcv1alpha1.HubSyncedCondition); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("HubSynced = %+v after the reconciler's patch, want the mirror's False to stay", c)
	}
	if !meta.IsStatusConditionTrue(got.Status.Conditions, arcv1alpha1.ReadyCondition) {
		t.Errorf("conditions = %+v, want the reconciler's Ready True", got.Status.Conditions)
	}
}

// New owned conditions are added in the order of the owned list, whatever order the writer set
// them in, so that the status does not reorder itself from one patch to the next.
func TestNewConditionsAreAddedInTheOwnedOrder(t *testing.T) {
	obj := read(t, newExtension(t))
	want := reconcile.KStatusConditions
	for range 10 { // a map's order would come out right once in six tries
		patcher := reconcile.NewPatcher(k8s, k8s, obj, want...)
		for _, typ := range slices.Backward(want) {
			reconcile.Set(obj, typ, metav1.ConditionTrue, arcv1alpha1.ProgressingReason, "set")
		}
		if err := patcher.Patch(t.Context(), obj); err != nil {
			t.Fatal(err)
		}
		conditions := read(t, obj).Status.Conditions
		got := make([]string, 0, len(conditions))
		for _, c := range conditions {
			got = append(got, c.Type)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("conditions in the order %v, want %v", got, want)
		}
		patcher = reconcile.NewPatcher(k8s, k8s, obj, want...)
		obj.Status.Conditions = nil
		if err := patcher.Patch(t.Context(), obj); err != nil {
			t.Fatal(err)
		}
	}
}
