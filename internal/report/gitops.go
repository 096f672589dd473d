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

	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/flux"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// GitOpsConfigurations reports GitOpsConfiguration CRs in one namespace (the agent's).
type GitOpsConfigurations struct {
	Namespace string
}

var _ Source = GitOpsConfigurations{}

// Kind returns protocol.KindGitOpsConfiguration.
func (GitOpsConfigurations) Kind() string { return protocol.KindGitOpsConfiguration }

// Object returns an empty GitOpsConfiguration.
func (GitOpsConfigurations) Object() client.Object { return &arcv1alpha1.GitOpsConfiguration{} }

// List returns the GitOpsConfigurations in the namespace.
func (g GitOpsConfigurations) List(ctx context.Context, r client.Reader) ([]client.Object, error) {
	return listIn(ctx, r, &arcv1alpha1.GitOpsConfigurationList{}, g.Namespace)
}

// Status maps the CR's status (compliance, statuses[], synced commit) for the hub.
func (g GitOpsConfigurations) Status(obj client.Object) (protocol.ObjectStatus, bool) {
	cfg, ok := obj.(*arcv1alpha1.GitOpsConfiguration)
	if !ok || cfg.Namespace != g.Namespace {
		return protocol.ObjectStatus{}, false
	}
	return objectStatus(protocol.KindGitOpsConfiguration, cfg, flux.HubStatus(cfg, !hubOwned(cfg))), true
}

// Deleted is a ProvisioningDeleted status, sent once the Flux objects are gone and the CR
// with them.
func (g GitOpsConfigurations) Deleted(obj client.Object) (protocol.ObjectStatus, bool) {
	cfg, ok := obj.(*arcv1alpha1.GitOpsConfiguration)
	if !ok || cfg.Namespace != g.Namespace {
		return protocol.ObjectStatus{}, false
	}
	status := protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningDeleted,
		ComplianceState: protocol.ComplianceUnknown}
	if !hubOwned(cfg) {
		spec := flux.ProtocolSpec(cfg.Spec)
		status.ClusterOwned = &spec
	}
	return objectStatus(protocol.KindGitOpsConfiguration, cfg, status), true
}
