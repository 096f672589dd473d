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
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/helm/installer"
	"github.com/kubearc/kubearc/internal/reconcile"
)

// condition is what a test expects of one condition: its status and reason; nil: absent.
type condition struct {
	status metav1.ConditionStatus
	reason string
}

func checkConditions(t *testing.T, obj *arcv1alpha1.Extension, want map[string]*condition) {
	t.Helper()
	for typ, w := range want {
		got := meta.FindStatusCondition(obj.Status.Conditions, typ)
		switch {
		case w == nil && got != nil:
			t.Errorf("%s = %+v, want none", typ, *got)
		case w != nil && got == nil:
			t.Errorf("%s is missing, want %s %s", typ, w.status, w.reason)
		case w != nil && (got.Status != w.status || got.Reason != w.reason):
			t.Errorf("%s = %s %s, want %s %s", typ, got.Status, got.Reason, w.status, w.reason)
		}
	}
}

// failingHelm is an Installer whose every action fails with err, as the installer process
// classifies it.
type failingHelm struct{ err error }

func (f failingHelm) Apply(context.Context, installer.Request) (*installer.Release, bool, error) {
	return nil, false, f.err
}

func (f failingHelm) Current(context.Context, string, string) (*installer.Release, error) {
	return nil, f.err
}

func (f failingHelm) Uninstall(context.Context, string, string) (bool, error) { return false, f.err }

// newExtension is an Extension at generation 2 that generation 1 had installed.
func newExtension(namespace string) *arcv1alpha1.Extension {
	obj := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "demo", Generation: 2},
		Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "demo", Version: "v0.2.0",
			Chart:                      arcv1alpha1.ChartReference{Repository: "https://charts.example.com", Name: "demo", Version: "0.2.0"},
			ProtectedSettingsSecretRef: &arcv1alpha1.SecretReference{Name: "demo-protected"}}}
	obj.Status.ObservedGeneration, obj.Status.InstalledVersion = 1, "v0.1.0"
	obj.Status.Conditions = []metav1.Condition{{Type: arcv1alpha1.ReadyCondition, Status: metav1.ConditionTrue,
		Reason: arcv1alpha1.SucceededReason, Message: "Installed v0.1.0", ObservedGeneration: 1}}
	return obj
}

func TestConditionTransitions(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = arcv1alpha1.AddToScheme(scheme)
	_ = corev1.AddToScheme(scheme)
	r := &Reconciler{Client: fake.NewClientBuilder().WithScheme(scheme).Build(), Namespace: ns}
	in := &install{r: r}
	rel := &helm.Release{Revision: 3}
	upgradeFailed := &helm.UpgradeError{Err: errors.New("Not_A_Valid_Name"), RolledBackTo: &helm.Release{Revision: 2}}
	appliedWith := func(err error) reconcile.Step[*arcv1alpha1.Extension] {
		return (&install{r: &Reconciler{Client: r.Client, Namespace: ns, Helm: failingHelm{err}}}).apply
	}
	recorded := func(changed bool, err error) reconcile.Step[*arcv1alpha1.Extension] {
		return func(_ context.Context, obj *arcv1alpha1.Extension) (ctrl.Result, error) {
			return r.record(obj, rel, changed, err)
		}
	}
	tests := []struct {
		name        string
		namespace   string
		step        reconcile.Step[*arcv1alpha1.Extension]
		want        map[string]*condition
		wantRequeue time.Duration
		wantErr     bool
		wantHandled bool
		wantMessage string
	}{
		{name: "a new generation is reconciling, Ready keeps the last install", namespace: ns, step: in.start,
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionTrue, arcv1alpha1.SucceededReason},
				arcv1alpha1.ReconcilingCondition: {metav1.ConditionTrue, arcv1alpha1.ProgressingReason}, arcv1alpha1.StalledCondition: nil},
			wantMessage: "Installing demo v0.2.0"},
		{name: "outside the agent's namespace it stalls", namespace: "default", step: r.inAgentNamespace,
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionFalse, arcv1alpha1.InvalidSpecReason},
				arcv1alpha1.StalledCondition: {metav1.ConditionTrue, arcv1alpha1.InvalidSpecReason}, arcv1alpha1.ReconcilingCondition: nil},
			wantHandled: true, wantMessage: "create it in namespace " + ns},
		{name: "a missing protected-settings Secret is waited for", namespace: ns, step: in.readSettings,
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionFalse, arcv1alpha1.SecretNotFoundReason},
				arcv1alpha1.ReconcilingCondition: {metav1.ConditionTrue, arcv1alpha1.SecretNotFoundReason}},
			wantRequeue: reconcile.MissingSecretRetry, wantMessage: ns + "/demo-protected is missing"},
		{name: "settings that are no Helm values stall", namespace: ns,
			step: appliedWith(&installer.SettingsError{Message: `setting "a..b" is not a valid Helm value`}),
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionFalse, arcv1alpha1.InvalidSettingsReason},
				arcv1alpha1.StalledCondition: {metav1.ConditionTrue, arcv1alpha1.InvalidSettingsReason}, arcv1alpha1.ReconcilingCondition: nil},
			wantHandled: true, wantMessage: `setting "a..b" is not a valid Helm value`},
		{name: "a chart that cannot be fetched is retried", namespace: ns,
			step: appliedWith(&installer.ChartError{Err: errors.New("fetching chart demo 0.2.0: 404")}),
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionFalse, arcv1alpha1.ChartUnavailableReason},
				arcv1alpha1.StalledCondition: nil},
			wantErr: true, wantMessage: "fetching chart demo 0.2.0: 404"},
		{name: "a rolled-back upgrade is not ready and waits", namespace: ns, step: recorded(false, upgradeFailed),
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionFalse, arcv1alpha1.UpgradeFailedReason},
				arcv1alpha1.ReconcilingCondition: nil, arcv1alpha1.StalledCondition: nil},
			wantRequeue: upgradeRetry, wantHandled: true, wantMessage: "v0.1.0 keeps running"},
		{name: "an install makes it ready", namespace: ns, step: recorded(true, nil),
			want: map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionTrue, arcv1alpha1.SucceededReason},
				arcv1alpha1.ReconcilingCondition: nil, arcv1alpha1.StalledCondition: nil},
			wantRequeue: resync, wantHandled: true, wantMessage: "Helm revision 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.Recorder = events.NewFakeRecorder(10)
			obj := newExtension(tt.namespace)
			result, err := reconcile.Run(t.Context(), obj, tt.step)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want an error: %v", err, tt.wantErr)
			}
			checkConditions(t, obj, tt.want)
			if d := result.RequeueAfter; d < tt.wantRequeue*9/10 || d > tt.wantRequeue*11/10 {
				t.Errorf("requeue after %s, want about %s", d, tt.wantRequeue)
			}
			if handled := obj.Status.ObservedGeneration == obj.Generation; handled != tt.wantHandled {
				t.Errorf("observedGeneration = %d at generation %d; want handled: %v", obj.Status.ObservedGeneration, obj.Generation, tt.wantHandled)
			}
			if got := statusMessage(obj); !strings.Contains(got, tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", got, tt.wantMessage)
			}
		})
	}
}

func TestAFailedInstallIsRetriedWithItsReason(t *testing.T) {
	r := &Reconciler{Recorder: events.NewFakeRecorder(10)}
	obj := newExtension(ns)
	_, err := reconcile.Run(t.Context(), obj, func(context.Context, *arcv1alpha1.Extension) (ctrl.Result, error) {
		return r.record(obj, nil, false, errors.New("boom"))
	})
	if err == nil || !strings.Contains(err.Error(), "installing Extension demo: boom") {
		t.Errorf("error = %v, want the install failure for the rate limiter", err)
	}
	checkConditions(t, obj, map[string]*condition{
		arcv1alpha1.ReadyCondition:       {metav1.ConditionFalse, arcv1alpha1.InstallFailedReason},
		arcv1alpha1.ReconcilingCondition: {metav1.ConditionTrue, arcv1alpha1.ProgressingReason}})
	if got := statusMessage(obj); got != "Installing demo v0.2.0 failed: boom" {
		t.Errorf("message = %q", got)
	}
}

// A '%' in a Helm error reaches the event as it is: the note is never a format string.
func TestEventsShowHelmErrorsAsTheyAre(t *testing.T) {
	recorder := events.NewFakeRecorder(10)
	r := &Reconciler{Recorder: recorder}
	helmErr := errors.New(`template: demo/templates/cm.yaml:5: value "100%d" is 100% wrong`)
	for _, err := range []error{helmErr, &helm.UpgradeError{Err: helmErr}} {
		_, _ = r.record(newExtension(ns), nil, false, err)
		note := <-recorder.Events
		if !strings.Contains(note, `value "100%d" is 100% wrong`) || strings.Contains(note, "%!") {
			t.Errorf("event = %q, want the Helm error as it is", note)
		}
	}
}

// An Extension deleted after a failed install says it is uninstalling, not the old failure.
// The finalizer cannot be removed here, so the status the reconcile leaves is the one written.
func TestADeletedExtensionSaysItIsUninstalling(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = arcv1alpha1.AddToScheme(scheme)
	obj := newExtension("default") // outside the agent's namespace: no release to uninstall
	obj.Finalizers, obj.DeletionTimestamp = []string{Finalizer}, &metav1.Time{Time: time.Now()}
	reconcile.MarkRetrying(obj, arcv1alpha1.InstallFailedReason, "Installing demo v0.2.0 failed: boom")
	obj.Status.Message = "Installing demo v0.2.0 failed: boom"
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(obj).WithStatusSubresource(obj).
		WithInterceptorFuncs(interceptor.Funcs{Patch: func(context.Context, client.WithWatch, client.Object, client.Patch, ...client.PatchOption) error {
			return errors.New("the server is currently unable to handle the request")
		}}).Build()
	r := &Reconciler{Client: c, APIReader: c, Namespace: ns}
	if _, err := r.Reconcile(t.Context(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(obj)}); err == nil {
		t.Fatal("Reconcile succeeded, want the failed finalizer removal")
	}
	got := &arcv1alpha1.Extension{}
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(obj), got); err != nil {
		t.Fatal(err)
	}
	if got.Status.Message != "Uninstalling" {
		t.Errorf("message = %q, want Uninstalling", got.Status.Message)
	}
}

// A chart repository whose URL holds a protected value: neither Ready nor the error the
// controller logs shows it.
func TestAFailedChartFetchShowsNoProtectedValue(t *testing.T) {
	const token = "s3cr3t-token"
	repository := httptest.NewServer(http.NotFoundHandler())
	defer repository.Close()
	r := &Reconciler{Helm: &helm.Local{Charts: &helm.ChartSource{CacheDir: t.TempDir()}}}
	in := &install{r: r, protected: map[string]string{"token": token}}
	obj := newExtension(ns)
	obj.Spec.Chart.Repository = repository.URL + "/" + token

	_, err := reconcile.Run(t.Context(), obj, in.apply)
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("error = %v, want a failure without the protected value", err)
	}
	checkConditions(t, obj, map[string]*condition{arcv1alpha1.ReadyCondition: {metav1.ConditionFalse, arcv1alpha1.ChartUnavailableReason}})
	if msg := statusMessage(obj); strings.Contains(msg, token) || !strings.Contains(msg, "[redacted]") {
		t.Errorf("message = %q, want the protected value redacted", msg)
	}
}
