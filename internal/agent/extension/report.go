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
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Source reports the Extension CRs in namespace (the agent's) to the hub.
func Source(namespace string) report.Source {
	return report.Namespaced[*arcv1alpha1.Extension]{ProtocolKind: protocol.KindExtension, Namespace: namespace,
		NewList:   func() client.ObjectList { return &arcv1alpha1.ExtensionList{} },
		StatusOf:  func(ext *arcv1alpha1.Extension) any { return Status(ext) },
		DeletedOf: deletedStatus,
	}
}

// deletedStatus is a ProvisioningDeleted status, sent once the release is uninstalled and the
// CR gone.
func deletedStatus(ext *arcv1alpha1.Extension) any {
	status := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningDeleted, Message: "The extension was uninstalled"}
	if !ext.HubOwned() {
		fillClusterOwned(&status, ext)
	}
	return status
}

// Status is what the hub is told about ext.
func Status(ext *arcv1alpha1.Extension) protocol.ExtensionStatus {
	state, msg := provisioningState(ext)
	out := protocol.ExtensionStatus{
		ProvisioningState: state, InstalledVersion: ext.Status.InstalledVersion,
		HelmRevision: ext.Status.HelmRevision, Message: msg, Conditions: report.Conditions(ext.Status.Conditions),
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
	case ready.Status == metav1.ConditionFalse && !waiting(ready.Reason):
		return protocol.ProvisioningFailed, ready.Message
	default:
		return protocol.ProvisioningInProgress, ready.Message
	}
}

// waiting reports whether a Ready False reason means the work goes on rather than failed: the
// protected settings Secret, which the agent writes just after the CR, may not be there yet.
func waiting(reason string) bool {
	return reason == arcv1alpha1.ProgressingReason || reason == arcv1alpha1.SecretNotFoundReason
}
