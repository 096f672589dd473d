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
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired"
	"github.com/kubearc/kubearc/internal/report"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxCRName is the longest name a Flux object named after the CR may take: a DNS label.
const maxCRName = 63

// Desired is the desired.Kind of protocol.KindGitOpsConfiguration: one GitOpsConfiguration CR
// per desired object, in the agent's namespace, with its decrypted protected settings in a
// Secret the CR owns (<name>-protected-settings).
type Desired struct {
	desired.Target
}

var _ desired.Kind = (*Desired)(nil)

// Kind returns protocol.KindGitOpsConfiguration.
func (g *Desired) Kind() string { return protocol.KindGitOpsConfiguration }

// Apply creates or updates the GitOpsConfiguration CR of obj and its protected-settings
// Secret.
func (g *Desired) Apply(ctx context.Context, obj protocol.DesiredObject) error {
	name, err := desired.CRName(obj.Name, maxCRName, "the flux configuration name", "Flux objects")
	if err != nil {
		return err
	}
	var spec protocol.GitOpsConfigurationSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return &desired.InvalidError{Message: "the flux configuration's spec is not valid JSON: " + err.Error()}
	}
	protected, err := g.open(ctx, spec.ProtectedSettings)
	if err != nil {
		return err
	}
	secretName := ""
	if len(protected) > 0 {
		secretName = name + desired.ProtectedSettingsSuffix
	}
	crSpec, err := CRSpec(spec, secretName)
	if err != nil {
		return &desired.InvalidError{Message: err.Error()}
	}
	cr := &arcv1alpha1.GitOpsConfiguration{ObjectMeta: metav1.ObjectMeta{Namespace: g.Namespace, Name: name}}
	return g.Write(ctx, cr, obj, protected, func() { cr.Spec = crSpec })
}

// open decrypts the protected settings and decodes their base64 values.
func (g *Desired) open(ctx context.Context, token string) (map[string][]byte, error) {
	settings, err := g.Open(ctx, token)
	if err != nil || settings == nil {
		return nil, err
	}
	data, err := ProtectedSecretData(settings)
	if err != nil {
		return nil, &desired.InvalidError{Message: err.Error()}
	}
	return data, nil
}

// Reject marks the existing CR, if any, with HubSynced=False; the last good spec stays.
func (g *Desired) Reject(ctx context.Context, name string, invalid *desired.InvalidError) error {
	return g.Target.Reject(ctx, &arcv1alpha1.GitOpsConfiguration{}, name, invalid)
}

// InvalidStatus is a Failed status with the reason.
func (g *Desired) InvalidStatus(invalid *desired.InvalidError) json.RawMessage {
	return desired.FailedStatus(protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningFailed,
		ComplianceState: protocol.ComplianceUnknown, ErrorMessage: invalid.Message})
}

// Prune deletes the hub-owned GitOpsConfigurations the hub no longer has; their finalizer
// deletes the Flux objects, and Flux prunes what they applied when prune is set.
func (g *Desired) Prune(ctx context.Context, keep map[string]bool) error {
	return g.Target.Prune(ctx, &arcv1alpha1.GitOpsConfigurationList{}, keep, nil)
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
