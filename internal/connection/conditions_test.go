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

package connection

import (
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/reconcile"
)

func TestSyncConditionsBeforeTheHubIsCalled(t *testing.T) {
	const resourceID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c"
	tests := []struct {
		name        string
		spec        arcv1alpha1.ArcConnectionSpec
		wantReason  string
		stalled     bool
		reconciling bool
		wantRequeue bool
		// wantWaiting: Reconciling has Ready's reason and message, as every kind waits.
		wantWaiting bool
	}{
		{name: "a missing hub CA Secret is waited for",
			spec: arcv1alpha1.ArcConnectionSpec{HubURL: "https://hub.example.com", ResourceID: resourceID,
				HubCASecretRef: &arcv1alpha1.SecretReference{Name: "no-such-ca"}},
			wantReason: arcv1alpha1.SecretNotFoundReason, reconciling: true, wantRequeue: true, wantWaiting: true},
		{name: "a resource ID that is none stalls",
			spec:       arcv1alpha1.ArcConnectionSpec{HubURL: "https://hub.example.com", ResourceID: "not-an-id"},
			wantReason: arcv1alpha1.InvalidSpecReason, stalled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scheme := runtime.NewScheme()
			_ = corev1.AddToScheme(scheme)
			_ = arcv1alpha1.AddToScheme(scheme)
			c := &Connector{Client: fake.NewClientBuilder().WithScheme(scheme).Build(), Namespace: "kubearc-system",
				Recorder: events.NewFakeRecorder(10), Log: logr.Discard()}
			defer c.Stop()
			obj := &arcv1alpha1.ArcConnection{ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName, Generation: 1}, Spec: tt.spec}
			reconcile.MarkReady(obj, arcv1alpha1.SucceededReason, "Connected to the hub") // as the last round left it
			result, err := c.Sync(t.Context(), obj)
			if err != nil {
				t.Fatal(err)
			}
			ready := meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ReadyCondition)
			if ready.Status != metav1.ConditionFalse || ready.Reason != tt.wantReason {
				t.Errorf("Ready = %s %s, want False %s", ready.Status, ready.Reason, tt.wantReason)
			}
			if got := meta.IsStatusConditionTrue(obj.Status.Conditions, arcv1alpha1.StalledCondition); got != tt.stalled {
				t.Errorf("Stalled = %v, want %v", got, tt.stalled)
			}
			if got := meta.IsStatusConditionTrue(obj.Status.Conditions, arcv1alpha1.ReconcilingCondition); got != tt.reconciling {
				t.Errorf("Reconciling = %v, want %v", got, tt.reconciling)
			}
			if got := result.RequeueAfter == reconcile.MissingSecretRetry; got != tt.wantRequeue {
				t.Errorf("requeue after %s; want the missing-Secret retry: %v", result.RequeueAfter, tt.wantRequeue)
			}
			progress := meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ReconcilingCondition)
			if tt.wantWaiting && (progress.Reason != ready.Reason || progress.Message != ready.Message) {
				t.Errorf("Reconciling = %s %q, want Ready's %s %q", progress.Reason, progress.Message, ready.Reason, ready.Message)
			}
		})
	}
}

func TestAFailedStepMakesItsConditionAndReadyFalse(t *testing.T) {
	obj := &arcv1alpha1.ArcConnection{ObjectMeta: metav1.ObjectMeta{Generation: 1}}
	reconcile.MarkReady(obj, arcv1alpha1.SucceededReason, "Connected to the hub")
	setNotReady(obj, arcv1alpha1.ConnectedCondition, arcv1alpha1.HubUnreachableReason, "The heartbeat failed: EOF")
	for _, typ := range []string{arcv1alpha1.ConnectedCondition, arcv1alpha1.ReadyCondition} {
		if c := meta.FindStatusCondition(obj.Status.Conditions, typ); c == nil || c.Status != metav1.ConditionFalse || c.Reason != arcv1alpha1.HubUnreachableReason {
			t.Errorf("%s = %+v, want False HubUnreachable", typ, c)
		}
	}
	if c := meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ReconcilingCondition); c == nil || c.Message != "Retrying: The heartbeat failed: EOF" {
		t.Errorf("Reconciling = %+v, want it retrying", c)
	}
}
