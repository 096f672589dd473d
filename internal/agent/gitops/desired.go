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
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxCRName is the longest name a Flux object named after the CR may take: a DNS label.
const maxCRName = 63

// Desired is the desired.Kind of protocol.KindGitOpsConfiguration: one GitOpsConfiguration CR
// per desired object, in target's namespace, with its decrypted protected settings (base64
// values, decoded) in a Secret the CR owns. The configurations the hub no longer has are
// deleted; their finalizer deletes the Flux objects, and Flux prunes what they applied when
// prune is set.
func Desired(target desired.Target) desired.Kind {
	return &desired.Namespaced[protocol.GitOpsConfigurationSpec, arcv1alpha1.GitOpsConfigurationSpec, *arcv1alpha1.GitOpsConfiguration]{
		Target: target, ProtocolKind: protocol.KindGitOpsConfiguration, Noun: "flux configuration", MaxName: maxCRName, NameUse: "Flux objects",
		NewList:    func() client.ObjectList { return &arcv1alpha1.GitOpsConfigurationList{} },
		Protected:  func(s protocol.GitOpsConfigurationSpec) string { return s.ProtectedSettings },
		SecretData: ProtectedSecretData,
		CRSpec:     CRSpec,
		SetSpec:    func(cr *arcv1alpha1.GitOpsConfiguration, spec arcv1alpha1.GitOpsConfigurationSpec) { cr.Spec = spec },
		FailedStatus: func(message string) any {
			return protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningFailed,
				ComplianceState: protocol.ComplianceUnknown, ErrorMessage: message}
		},
	}
}

// Source reports the GitOpsConfiguration CRs in namespace (the agent's) to the hub.
func Source(namespace string) report.Source {
	return report.Namespaced[*arcv1alpha1.GitOpsConfiguration]{ProtocolKind: protocol.KindGitOpsConfiguration, Namespace: namespace,
		NewList:   func() client.ObjectList { return &arcv1alpha1.GitOpsConfigurationList{} },
		StatusOf:  func(cfg *arcv1alpha1.GitOpsConfiguration) any { return HubStatus(cfg, !report.HubOwned(cfg)) },
		DeletedOf: deletedStatus,
	}
}

// deletedStatus is a ProvisioningDeleted status, sent once the Flux objects are gone and the
// CR with them.
func deletedStatus(cfg *arcv1alpha1.GitOpsConfiguration) any {
	status := protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningDeleted,
		ComplianceState: protocol.ComplianceUnknown}
	if !report.HubOwned(cfg) {
		spec := ProtocolSpec(cfg.Spec)
		status.ClusterOwned = &spec
	}
	return status
}
