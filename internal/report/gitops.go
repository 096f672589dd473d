/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package report

import (
	"context"
	"encoding/json"

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
	list := &arcv1alpha1.GitOpsConfigurationList{}
	if err := r.List(ctx, list, client.InNamespace(g.Namespace)); err != nil {
		return nil, err
	}
	out := make([]client.Object, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out, nil
}

// Status maps the CR's status (compliance, statuses[], synced commit) for the hub.
func (g GitOpsConfigurations) Status(obj client.Object) (protocol.ObjectStatus, bool) {
	cfg, ok := obj.(*arcv1alpha1.GitOpsConfiguration)
	if !ok || cfg.Namespace != g.Namespace {
		return protocol.ObjectStatus{}, false
	}
	return gitOpsObjectStatus(cfg, flux.HubStatus(cfg, !hubOwned(cfg))), true
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
	return gitOpsObjectStatus(cfg, status), true
}

func hubOwned(obj client.Object) bool {
	return obj.GetLabels()[arcv1alpha1.ManagedByLabel] == arcv1alpha1.ManagedByHub
}

func gitOpsObjectStatus(cfg *arcv1alpha1.GitOpsConfiguration, status protocol.GitOpsConfigurationStatus) protocol.ObjectStatus {
	raw, _ := json.Marshal(status)
	out := protocol.ObjectStatus{Kind: protocol.KindGitOpsConfiguration, Name: cfg.Name, Status: raw}
	if hubOwned(cfg) {
		out.ObservedResourceVersion = cfg.Annotations[arcv1alpha1.HubResourceVersionAnnotation]
		if n := cfg.Annotations[arcv1alpha1.HubNameAnnotation]; n != "" {
			out.Name = n
		}
	}
	return out
}
