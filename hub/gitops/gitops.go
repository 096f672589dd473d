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

// Package gitops is the hub's side of Microsoft.KubernetesConfiguration/fluxConfigurations:
// the ARM documents, their validation, the stored record and its mapping to the agent's
// protocol.GitOpsConfigurationSpec, and the state shown back from the agent's statuses.
package gitops

import (
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ResourceType is the ARM type of a Flux configuration.
const ResourceType = "Microsoft.KubernetesConfiguration/fluxConfigurations"

// APIVersion is the api-version the hub answers (armkubernetesconfiguration/v2 v2.1.0).
const APIVersion = "2023-05-01"

// Provisioning states of a Flux configuration as ARM shows them.
const (
	StateCreating  = "Creating"
	StateUpdating  = "Updating"
	StateSucceeded = "Succeeded"
	StateFailed    = "Failed"
	StateDeleting  = "Deleting"
)

// ID is the ARM ID of the Flux configuration name of the cluster clusterID.
func ID(clusterID, name string) string {
	return clusterID + "/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/" + name
}

// Record is a stored Flux configuration.
type Record struct {
	// ID is the configuration's ARM ID, Name its last segment.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Spec is the configuration as the user wrote it; its ProtectedSettings is always empty.
	Spec protocol.GitOpsConfigurationSpec `json:"spec"`
	// SealedProtectedSettings is configurationProtectedSettings sealed with the hub's data key.
	SealedProtectedSettings string `json:"sealedProtectedSettings,omitempty"`
	// ProtectedKeys are the names of the protected settings, for validating later changes
	// without opening them.
	ProtectedKeys []string `json:"protectedKeys,omitempty"`
	// Phase is StateCreating or StateUpdating: the change the agent has not reported yet.
	Phase string `json:"phase"`
	// Deleting is set from DELETE until the agent reports the Flux objects removed.
	Deleting bool             `json:"deleting,omitempty"`
	Audit    extensions.Audit `json:"audit"`
}

// Ref returns the configuration's ARM ID and name.
func (r *Record) Ref() (id, name string) { return r.ID, r.Name }

// BeingDeleted says whether the configuration waits for the agent to remove its Flux objects.
func (r *Record) BeingDeleted() bool { return r.Deleting }

// SetDeleting marks the configuration as waiting for the agent to remove its Flux objects.
func (r *Record) SetDeleting() { r.Deleting = true }

// SealedAtRest returns the protected settings sealed with the hub's data key.
func (r *Record) SealedAtRest() string { return r.SealedProtectedSettings }
