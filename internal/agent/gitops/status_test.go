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
	"context"
	"errors"
	"testing"
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// readyConfiguration is a configuration whose generation 1 Flux applied; generation 2 is new.
func readyConfiguration() *arcv1alpha1.GitOpsConfiguration {
	cfg := &arcv1alpha1.GitOpsConfiguration{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web", Generation: 2},
		Spec: arcv1alpha1.GitOpsConfigurationSpec{Namespace: "flux-system", SourceKind: arcv1alpha1.SourceKindGitRepository,
			GitRepository: &arcv1alpha1.GitRepositorySource{URL: "https://git.example.com/org/web",
				RepositoryRef: arcv1alpha1.RepositoryRef{Branch: "main"}},
			Kustomizations: []arcv1alpha1.KustomizationSpec{{Name: "apps", Path: "./apps"}},
			SecretRef:      &arcv1alpha1.SecretReference{Name: "web-protected"}}}
	cfg.Status.ObservedGeneration, cfg.Status.ComplianceState = 1, arcv1alpha1.ComplianceCompliant
	cfg.Status.Conditions = []metav1.Condition{{Type: arcv1alpha1.ReadyCondition, Status: metav1.ConditionTrue,
		Reason: arcv1alpha1.SucceededReason, Message: "Flux applied revision main@sha1:1", ObservedGeneration: 1}}
	return cfg
}

// unreadable names a Secret the failing cluster cannot read.
const unreadable = "unreadable"

// failing is a cluster whose List and Get of Flux objects fail, as when Flux's APIs go away,
// and whose Secret unreadable cannot be read.
func failing(t *testing.T) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, arcv1alpha1.AddToScheme, sourcev1.AddToScheme, kustomizev1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	broken := errors.New("the server is currently unable to handle the request")
	return fake.NewClientBuilder().WithScheme(scheme).WithInterceptorFuncs(interceptor.Funcs{
		List: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) error { return broken },
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if _, ok := obj.(*corev1.Secret); ok && key.Name != unreadable {
				return c.Get(ctx, key, obj, opts...)
			}
			return broken
		},
	}).Build()
}

func TestConditionTransitions(t *testing.T) {
	c := failing(t)
	discovery := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
	discovery.PrependReactor("get", "resource", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("the server is currently unable to handle the request")
	})
	r := &Reconciler{Client: c, Discovery: discovery, Flux: &flux.Applier{Client: c}, Namespace: ns}
	objs, err := flux.Render(readyConfiguration(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cycle := readyConfiguration()
	cycle.Spec.Kustomizations = []arcv1alpha1.KustomizationSpec{{Name: "a", DependsOn: []string{"b"}}, {Name: "b", DependsOn: []string{"a"}}}
	secretUnreadable := readyConfiguration()
	secretUnreadable.Spec.SecretRef.Name = unreadable
	failed := func(err func(*syncing) error) func(*syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
		return func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
			return func(context.Context, *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
				return ctrl.Result{}, err(s)
			}
		}
	}
	observed := func(state arcv1alpha1.ComplianceState, message string) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
		return func(_ context.Context, cfg *arcv1alpha1.GitOpsConfiguration) (ctrl.Result, error) {
			r.recordCompliance(cfg, &flux.Observation{Summary: flux.Summary{State: state, Message: message}, Revision: "main@sha1:2"})
			return ctrl.Result{RequeueAfter: resync}, nil
		}
	}
	tests := []struct {
		name        string
		cfg         *arcv1alpha1.GitOpsConfiguration
		step        func(*syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration]
		wantReady   metav1.ConditionStatus
		wantReason  string
		reconciling bool
		stalled     bool
		wantRequeue time.Duration
		wantErr     bool
		wantHandled bool
		wantError   bool // status.errorMessage set
	}{
		{name: "without Flux it waits", step: func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] { return s.fluxInstalled },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.FluxNotInstalledReason, reconciling: true, wantRequeue: fluxInstallPoll, wantError: true},
		{name: "a missing Secret is waited for", step: func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] { return s.readSettings },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.SecretNotFoundReason, reconciling: true, wantRequeue: reconcile.MissingSecretRetry, wantError: true},
		{name: "an unreadable Secret is not ready and retried", cfg: secretUnreadable, step: func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] { return s.readSettings },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.SecretReadFailedReason, reconciling: true, wantErr: true, wantError: true},
		{name: "a failed discovery of Flux is not ready and retried", step: failed(func(s *syncing) error { _, err := s.r.fluxServed(); return err }),
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.FluxDiscoveryFailedReason, reconciling: true, wantErr: true, wantError: true},
		{name: "a render failure other than the spec is not ready and retried", step: failed(func(*syncing) error {
			return renderFailed(readyConfiguration(), errors.New("out of memory"))
		}), wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.RenderFailedReason, reconciling: true, wantErr: true, wantError: true},
		{name: "a dependency cycle stalls", cfg: cycle, step: func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] { return s.render },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.DependencyCycleReason, stalled: true, wantHandled: true, wantError: true},
		{name: "a failed prune is not ready and retried", step: func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] { return s.prune },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.PruneFailedReason, reconciling: true, wantErr: true, wantError: true},
		{name: "a failed observation is not ready and retried", step: func(s *syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] { return s.observe },
			wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.ObserveFailedReason, reconciling: true, wantErr: true, wantError: true},
		{name: "compliant is ready", step: func(*syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
			return observed(arcv1alpha1.ComplianceCompliant, "")
		},
			wantReady: metav1.ConditionTrue, wantReason: arcv1alpha1.SucceededReason, wantRequeue: resync, wantHandled: true},
		{name: "non-compliant is not ready", step: func(*syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
			return observed(arcv1alpha1.ComplianceNonCompliant, "apps: build failed")
		}, wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.FluxObjectsNotReadyReason, wantRequeue: resync, wantHandled: true, wantError: true},
		{name: "suspended is not ready and no error", step: func(*syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
			return observed(arcv1alpha1.ComplianceSuspended, "suspended")
		}, wantReady: metav1.ConditionFalse, wantReason: arcv1alpha1.SuspendedReason, wantRequeue: resync, wantHandled: true},
		{name: "pending is reconciling", step: func(*syncing) reconcile.Step[*arcv1alpha1.GitOpsConfiguration] {
			return observed(arcv1alpha1.CompliancePending, "waiting for Flux")
		}, wantReady: metav1.ConditionUnknown, wantReason: arcv1alpha1.FluxReconcilingReason, reconciling: true, wantRequeue: resync, wantHandled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg == nil {
				cfg = readyConfiguration()
			}
			result, err := reconcile.Run(t.Context(), cfg, tt.step(&syncing{r: r, objs: objs}))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want one: %v", err, tt.wantErr)
			}
			ready := meta.FindStatusCondition(cfg.Status.Conditions, arcv1alpha1.ReadyCondition)
			if ready.Status != tt.wantReady || ready.Reason != tt.wantReason {
				t.Errorf("Ready = %s %s, want %s %s", ready.Status, ready.Reason, tt.wantReady, tt.wantReason)
			}
			if got := meta.IsStatusConditionTrue(cfg.Status.Conditions, arcv1alpha1.ReconcilingCondition); got != tt.reconciling {
				t.Errorf("Reconciling = %v, want %v", got, tt.reconciling)
			}
			if got := meta.FindStatusCondition(cfg.Status.Conditions, arcv1alpha1.StalledCondition) != nil; got != tt.stalled {
				t.Errorf("Stalled present = %v, want %v", got, tt.stalled)
			}
			if result.RequeueAfter != tt.wantRequeue {
				t.Errorf("requeue after %s, want %s", result.RequeueAfter, tt.wantRequeue)
			}
			if handled := cfg.Status.ObservedGeneration == cfg.Generation; handled != tt.wantHandled {
				t.Errorf("observedGeneration %d at generation %d, want handled: %v", cfg.Status.ObservedGeneration, cfg.Generation, tt.wantHandled)
			}
			if got := errorMessage(cfg) != ""; got != tt.wantError {
				t.Errorf("errorMessage = %q, want one: %v", errorMessage(cfg), tt.wantError)
			}
		})
	}
}
