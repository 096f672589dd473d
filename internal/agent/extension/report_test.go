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
	"encoding/json"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func extensionCR(hubOwned bool, generation int64, conds ...metav1.Condition) *arcv1alpha1.Extension {
	e := &arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: "kubearc-system", Name: "flux", Generation: generation},
		Spec: arcv1alpha1.ExtensionSpec{ExtensionType: "flux", ReleaseTrain: "stable", Version: "2.0.0", Scope: arcv1alpha1.ExtensionScopeCluster}}
	if hubOwned {
		e.Labels = map[string]string{arcv1alpha1.ManagedByLabel: arcv1alpha1.ManagedByHub}
		e.Annotations = map[string]string{arcv1alpha1.HubResourceVersionAnnotation: "42", arcv1alpha1.HubNameAnnotation: "Flux"}
	}
	e.Status.Conditions = conds
	e.Status.ObservedGeneration = generation
	return e
}

// ready is a Ready condition written for generation 1.
func ready(status metav1.ConditionStatus, reason string) metav1.Condition {
	return metav1.Condition{Type: arcv1alpha1.ReadyCondition, Status: status, Reason: reason, Message: reason + " message", ObservedGeneration: 1}
}

func TestExtensionStatus(t *testing.T) {
	tests := []struct {
		name      string
		ext       *arcv1alpha1.Extension
		wantState string
	}{
		{"new", extensionCR(true, 1), protocol.ProvisioningInProgress},
		{"ready", extensionCR(true, 1, ready(metav1.ConditionTrue, arcv1alpha1.SucceededReason)), protocol.ProvisioningSucceeded},
		{"ready for an older spec", extensionCR(true, 2, ready(metav1.ConditionTrue, arcv1alpha1.SucceededReason)), protocol.ProvisioningInProgress},
		{"install failed", extensionCR(true, 1, ready(metav1.ConditionFalse, arcv1alpha1.InstallFailedReason)), protocol.ProvisioningFailed},
		{"upgrade failed", extensionCR(true, 1, ready(metav1.ConditionFalse, arcv1alpha1.UpgradeFailedReason)), protocol.ProvisioningFailed},
		{"progressing", extensionCR(true, 1, ready(metav1.ConditionUnknown, arcv1alpha1.ProgressingReason)), protocol.ProvisioningInProgress},
		{"waiting for the protected settings Secret", extensionCR(true, 1, ready(metav1.ConditionFalse, arcv1alpha1.SecretNotFoundReason)), protocol.ProvisioningInProgress},
		{"stalled", extensionCR(true, 1, ready(metav1.ConditionFalse, arcv1alpha1.InvalidSettingsReason),
			metav1.Condition{Type: arcv1alpha1.StalledCondition, Status: metav1.ConditionTrue}), protocol.ProvisioningFailed},
		{"hub object rejected", extensionCR(true, 1, ready(metav1.ConditionTrue, arcv1alpha1.SucceededReason),
			metav1.Condition{Type: arcv1alpha1.HubSyncedCondition, Status: metav1.ConditionFalse, Message: "cannot decrypt"}), protocol.ProvisioningFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Status(tt.ext); got.ProvisioningState != tt.wantState {
				t.Errorf("Status().ProvisioningState = %s, want %s", got.ProvisioningState, tt.wantState)
			}
		})
	}
}

func TestExtensionsSourceNamesAndOwnership(t *testing.T) {
	src := Source("kubearc-system")
	hub, ok := src.Status(extensionCR(true, 1))
	if !ok || hub.Name != "Flux" || hub.ObservedResourceVersion != "42" {
		t.Errorf("hub-owned status = %+v, want the hub's name Flux and resourceVersion 42", hub)
	}
	var hs protocol.ExtensionStatus
	_ = json.Unmarshal(hub.Status, &hs)
	if hs.ExtensionType != "" {
		t.Errorf("a hub-owned status carries the spec (%+v); the hub has it", hs)
	}

	local, _ := src.Status(extensionCR(false, 1))
	var ls protocol.ExtensionStatus
	_ = json.Unmarshal(local.Status, &ls)
	if local.ObservedResourceVersion != "" || ls.ExtensionType != "flux" || ls.ReleaseTrain != "stable" || ls.Scope != "cluster" || ls.Namespace != "kubearc-system" {
		t.Errorf("cluster-owned status = %+v %+v, want no resourceVersion and the spec's type, train, scope and namespace", local, ls)
	}

	gone, ok := src.Deleted(extensionCR(true, 1))
	var gs protocol.ExtensionStatus
	_ = json.Unmarshal(gone.Status, &gs)
	if !ok || gs.ProvisioningState != protocol.ProvisioningDeleted || gone.Name != "Flux" {
		t.Errorf("Deleted() = %+v %+v, want Deleted for Flux", gone, gs)
	}
	if _, ok := src.Status(&arcv1alpha1.Extension{ObjectMeta: metav1.ObjectMeta{Namespace: "elsewhere"}}); ok {
		t.Error("an Extension outside the agent's namespace was reported")
	}
}
