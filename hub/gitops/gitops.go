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

// Package gitops is the hub's nested kind Microsoft.KubernetesConfiguration/fluxConfigurations:
// the ARM documents, their validation, the stored record and its mapping to the agent's
// protocol.GitOpsConfigurationSpec, the state shown back from the agent's statuses, and the
// Flux extension a cluster's first configuration adds. hub/nested stores, seals and serves it.
package gitops

import (
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ResourceType is the ARM type of a Flux configuration.
const ResourceType = "Microsoft.KubernetesConfiguration/fluxConfigurations"

// APIVersion is the api-version the hub answers (armkubernetesconfiguration/v2 v2.1.0).
const APIVersion = "2023-05-01"

// Provisioning states of a Flux configuration as ARM shows them.
const (
	StateCreating  = nested.PhaseCreating
	StateUpdating  = nested.PhaseUpdating
	StateSucceeded = "Succeeded"
	StateFailed    = "Failed"
	StateDeleting  = "Deleting"
)

// ID is the ARM ID of the Flux configuration name of the cluster clusterID.
func ID(clusterID, name string) string { return names().ID(clusterID, name) }

// Record is a stored Flux configuration.
type Record struct {
	nested.Meta
	// Spec is the configuration as the user wrote it; its ProtectedSettings is always empty.
	Spec protocol.GitOpsConfigurationSpec `json:"spec"`
}
