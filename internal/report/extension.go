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

package report

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Extensions reports Extension CRs in one namespace (the agent's).
type Extensions struct {
	Namespace string
}

var _ Source = Extensions{}

// Kind returns protocol.KindExtension.
func (Extensions) Kind() string { return protocol.KindExtension }

// Object returns an empty Extension.
func (Extensions) Object() client.Object { return &arcv1alpha1.Extension{} }

// List returns the Extensions in the namespace.
func (e Extensions) List(ctx context.Context, r client.Reader) ([]client.Object, error) {
	return listIn(ctx, r, &arcv1alpha1.ExtensionList{}, e.Namespace)
}

// Status maps the CR's status to an ExtensionStatus.
func (e Extensions) Status(obj client.Object) (protocol.ObjectStatus, bool) {
	ext, ok := obj.(*arcv1alpha1.Extension)
	if !ok || ext.Namespace != e.Namespace {
		return protocol.ObjectStatus{}, false
	}
	status := ExtensionStatus(ext)
	return objectStatus(protocol.KindExtension, ext, status), true
}

// Deleted is a ProvisioningDeleted status, sent once the release is uninstalled and the CR gone.
func (e Extensions) Deleted(obj client.Object) (protocol.ObjectStatus, bool) {
	ext, ok := obj.(*arcv1alpha1.Extension)
	if !ok || ext.Namespace != e.Namespace {
		return protocol.ObjectStatus{}, false
	}
	status := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningDeleted, Message: "The extension was uninstalled"}
	if !ext.HubOwned() {
		fillClusterOwned(&status, ext)
	}
	return objectStatus(protocol.KindExtension, ext, status), true
}

// ExtensionStatus is what the hub is told about ext.
func ExtensionStatus(ext *arcv1alpha1.Extension) protocol.ExtensionStatus {
	state, msg := provisioningState(ext)
	out := protocol.ExtensionStatus{
		ProvisioningState: state, InstalledVersion: ext.Status.InstalledVersion,
		HelmRevision: ext.Status.HelmRevision, Message: msg, Conditions: conditions(ext.Status.Conditions),
	}
	if !ext.HubOwned() {
		fillClusterOwned(&out, ext)
	}
	return out
}

func fillClusterOwned(s *protocol.ExtensionStatus, ext *arcv1alpha1.Extension) {
	s.ExtensionType, s.ReleaseTrain = ext.Spec.ExtensionType, ext.Spec.ReleaseTrain
	s.Scope, s.Namespace = string(ext.Spec.Scope), ext.Spec.Namespace
	if s.Scope == "" {
		s.Scope = string(arcv1alpha1.ExtensionScopeCluster)
	}
	if s.Namespace == "" {
		s.Namespace = ext.Namespace
	}
}

// provisioningState derives the hub's provisioning state from the CR's conditions.
func provisioningState(ext *arcv1alpha1.Extension) (state, message string) {
	if rejected := meta.FindStatusCondition(ext.Status.Conditions, arcv1alpha1.HubSyncedCondition); rejected != nil && rejected.Status == metav1.ConditionFalse {
		return protocol.ProvisioningFailed, rejected.Message
	}
	if !ext.DeletionTimestamp.IsZero() {
		return protocol.ProvisioningInProgress, "Uninstalling"
	}
	ready := meta.FindStatusCondition(ext.Status.Conditions, arcv1alpha1.ReadyCondition)
	switch {
	case meta.IsStatusConditionTrue(ext.Status.Conditions, arcv1alpha1.StalledCondition):
		return protocol.ProvisioningFailed, ext.Status.Message
	case ready == nil || ready.ObservedGeneration != ext.Generation:
		return protocol.ProvisioningInProgress, "Installing " + ext.Spec.Version
	case ready.Status == metav1.ConditionTrue:
		return protocol.ProvisioningSucceeded, ready.Message
	case ready.Status == metav1.ConditionFalse && ready.Reason != arcv1alpha1.ProgressingReason:
		return protocol.ProvisioningFailed, ready.Message
	default:
		return protocol.ProvisioningInProgress, ready.Message
	}
}

func conditions(in []metav1.Condition) []protocol.Condition {
	out := make([]protocol.Condition, 0, len(in))
	for _, c := range in {
		out = append(out, protocol.Condition{Type: c.Type, Status: string(c.Status), Reason: c.Reason,
			Message: c.Message, LastTransitionTime: c.LastTransitionTime.UTC().Format(time.RFC3339)})
	}
	return out
}
