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

package reconcile

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// state is the kstatus triple a test expects: Ready's status, whether Reconciling and Stalled
// are there.
type state struct {
	ready                metav1.ConditionStatus
	reconciling, stalled bool
}

func stateOf(obj Object) state {
	s := state{reconciling: Get(obj, arcv1alpha1.ReconcilingCondition) != nil, stalled: Get(obj, arcv1alpha1.StalledCondition) != nil}
	if r := Get(obj, arcv1alpha1.ReadyCondition); r != nil {
		s.ready = r.Status
	}
	return s
}

// object is an Extension at generation 3 whose last reconcile stalled.
func object() *arcv1alpha1.Extension {
	obj := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Name: "x", Generation: 3}}
	MarkStalled(obj, arcv1alpha1.InvalidSpecReason, "bad")
	obj.Status.ObservedGeneration = 2
	return obj
}

func TestMarks(t *testing.T) {
	long := strings.Repeat("x", 2*maxMessageLength)
	tests := []struct {
		name        string
		mark        func(Reconciled)
		want        state
		wantHandled bool
		// wantRetries: Reconciling only repeats Ready's failure (RetriesFailure).
		wantRetries bool
	}{
		{"ready", func(o Reconciled) { MarkReady(o, "Succeeded", "ok") }, state{ready: "True"}, true, false},
		{"stalled", func(o Reconciled) { MarkStalled(o, "InvalidSpec", "bad") }, state{ready: "False", stalled: true}, true, false},
		{"not ready", func(o Reconciled) { MarkNotReady(o, "UpgradeFailed", "rolled back") }, state{ready: "False"}, true, false},
		{"retrying", func(o Reconciled) { MarkRetrying(o, "InstallFailed", "boom") }, state{ready: "False", reconciling: true}, false, true},
		{"retrying a failure whose message is cut", func(o Reconciled) { MarkRetrying(o, "InstallFailed", long) }, state{ready: "False", reconciling: true}, false, true},
		{"waiting", func(o Reconciled) { MarkWaiting(o, "SecretNotFound", "missing") }, state{ready: "False", reconciling: true}, false, true},
		{"reconciling keeps Ready", func(o Reconciled) { MarkReconciling(o, "Progressing", "working") }, state{ready: "False", reconciling: true}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := object()
			tt.mark(obj)
			if got := stateOf(obj); got != tt.want {
				t.Errorf("state = %+v, want %+v", got, tt.want)
			}
			if handled := obj.Status.ObservedGeneration == 3; handled != tt.wantHandled {
				t.Errorf("observedGeneration = %d, want handled: %v", obj.Status.ObservedGeneration, tt.wantHandled)
			}
			if got := RetriesFailure(obj); got != tt.wantRetries {
				t.Errorf("RetriesFailure = %v, want %v", got, tt.wantRetries)
			}
			for _, c := range obj.Status.Conditions {
				if c.ObservedGeneration != 3 && c.Type != arcv1alpha1.ReadyCondition {
					t.Errorf("%s written for generation %d, want 3", c.Type, c.ObservedGeneration)
				}
			}
		})
	}
}

func TestReconcilingOnAFreshObjectMakesReadyUnknown(t *testing.T) {
	obj := &arcv1alpha1.Extension{}
	MarkReconciling(obj, arcv1alpha1.ProgressingReason, "Installing")
	if got := stateOf(obj); got != (state{ready: "Unknown", reconciling: true}) {
		t.Errorf("state = %+v, want Ready Unknown and Reconciling", got)
	}
}

func TestRun(t *testing.T) {
	transient := errors.New("connection refused")
	tests := []struct {
		name        string
		err         error
		want        state
		wantRequeue time.Duration
		wantErr     bool
	}{
		{"stall ends without requeue", Stall(arcv1alpha1.InvalidSpecReason, "bad spec"), state{ready: "False", stalled: true}, 0, false},
		{"wait requeues without an error", WaitForSecret("missing"), state{ready: "False", reconciling: true}, MissingSecretRetry, false},
		{"retry returns the error", Retry(arcv1alpha1.InstallFailedReason, "Installing failed", transient), state{ready: "False", reconciling: true}, 0, true},
		{"a plain error leaves the conditions", transient, state{ready: "True"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := &arcv1alpha1.Extension{}
			MarkReady(obj, arcv1alpha1.SucceededReason, "ok")
			ran := 0
			step := func(context.Context, *arcv1alpha1.Extension) (ctrl.Result, error) { ran++; return ctrl.Result{}, nil }
			failing := func(context.Context, *arcv1alpha1.Extension) (ctrl.Result, error) { return ctrl.Result{}, tt.err }
			result, err := Run(t.Context(), obj, step, failing, step)
			if ran != 1 {
				t.Errorf("%d steps ran, want the one before the failing step only", ran)
			}
			if (err != nil) != tt.wantErr || result.RequeueAfter != tt.wantRequeue {
				t.Errorf("Run() = %+v, %v; want requeue after %s, an error: %v", result, err, tt.wantRequeue, tt.wantErr)
			}
			if got := stateOf(obj); got != tt.want {
				t.Errorf("state = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRunStopsAtTheFirstRequeue(t *testing.T) {
	later := false
	_, _ = Run(t.Context(), &arcv1alpha1.Extension{},
		func(context.Context, *arcv1alpha1.Extension) (ctrl.Result, error) {
			return ctrl.Result{RequeueAfter: time.Minute}, nil
		},
		func(context.Context, *arcv1alpha1.Extension) (ctrl.Result, error) {
			later = true
			return ctrl.Result{}, nil
		})
	if later {
		t.Error("a step ran after one that ended the reconcile")
	}
}

func TestEventNotesAreNeverFormatStrings(t *testing.T) {
	recorder := events.NewFakeRecorder(1)
	Event(recorder, &arcv1alpha1.Extension{}, "Warning", "RegistrationFailed", "Register", `hub said: 100% of "%s" failed`)
	if note := <-recorder.Events; !strings.HasSuffix(note, `hub said: 100% of "%s" failed`) {
		t.Errorf("event = %q, want the note as it is", note)
	}
}

func TestLongMessagesAreCut(t *testing.T) {
	obj := &arcv1alpha1.Extension{}
	Set(obj, arcv1alpha1.ReadyCondition, "False", "Failed", strings.Repeat("x", 10000))
	if n := len(Get(obj, arcv1alpha1.ReadyCondition).Message); n != maxMessageLength {
		t.Errorf("message of %d bytes, want %d", n, maxMessageLength)
	}
}
