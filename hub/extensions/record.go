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

// Package extensions is the hub's domain logic of cluster extensions
// (Microsoft.KubernetesConfiguration/extensions): resolving the catalog version, the desired
// state delivered to the agent (with protected settings sealed for the cluster's agent key),
// the status the agent reports, auto-upgrades and the agent's own upgrade profile. Package
// armapi maps it to the ARM REST shapes.
//
// Protected settings are sealed twice: at rest with the hub's data key (Record.SealedProtectedSettings),
// and for delivery with the cluster's agent key (protocol.ExtensionSpec.ProtectedSettings).
// Neither copy, nor the plaintext, is ever rendered, logged or put in an error.
//
// Cluster-owned extensions (an Extension CR applied in the cluster, reported with an empty
// observedResourceVersion) are shown read-only, with systemData.createdByType "Cluster".
package extensions

import (
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// ResourceType is the ARM type of an extension.
const ResourceType = "Microsoft.KubernetesConfiguration/extensions"

// Phases of a change the agent has not observed yet.
const (
	PhaseCreating = "Creating"
	PhaseUpdating = "Updating"
)

// CreatedByCluster is the systemData.createdByType of a cluster-owned extension.
const CreatedByCluster = "Cluster"

// ID returns the ARM ID of the extension name on the cluster clusterID.
func ID(clusterID, name string) string {
	return clusterID + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name
}

// ClusterOf returns the cluster ID of an extension ID.
func ClusterOf(extensionID string) string {
	i := strings.Index(strings.ToLower(extensionID), "/providers/microsoft.kubernetesconfiguration/")
	if i < 0 {
		return ""
	}
	return extensionID[:i]
}

// Settings are what the user asks for.
type Settings struct {
	ExtensionType           string `json:"extensionType"`
	AutoUpgradeMinorVersion bool   `json:"autoUpgradeMinorVersion"`
	ReleaseTrain            string `json:"releaseTrain"`
	// PinnedVersion is the user's version; empty with auto-upgrade.
	PinnedVersion string `json:"version,omitempty"`
	// Scope is protocol.ScopeCluster or protocol.ScopeNamespace; Namespace is the release
	// namespace (cluster) or target namespace (namespace).
	Scope                 string            `json:"scope"`
	Namespace             string            `json:"namespace"`
	ConfigurationSettings map[string]string `json:"configurationSettings,omitempty"`
}

// Audit is who created and last changed the extension, and when.
type Audit struct {
	CreatedBy      string    `json:"createdBy,omitempty"`
	CreatedByType  string    `json:"createdByType,omitempty"`
	CreatedAt      time.Time `json:"createdAt"`
	LastModifiedBy string    `json:"lastModifiedBy,omitempty"`
	LastModifiedAt time.Time `json:"lastModifiedAt"`
}

// Record is the stored document of one extension.
type Record struct {
	// ID is the extension's ARM ID, Name its last segment.
	ID   string `json:"id"`
	Name string `json:"name"`
	Settings
	// SealedProtectedSettings is the configurationProtectedSettings sealed with the hub's data key.
	SealedProtectedSettings string `json:"sealedProtectedSettings,omitempty"`
	// Version and Chart are the resolved catalog release.
	Version string            `json:"resolvedVersion"`
	Chart   protocol.ChartRef `json:"chart"`
	// Phase names a change the agent has not reported yet: PhaseCreating or PhaseUpdating.
	Phase string `json:"phase"`
	// Deleting is set from DELETE until the agent reports the release uninstalled.
	Deleting bool  `json:"deleting,omitempty"`
	Audit    Audit `json:"audit"`
}

// Spec returns the desired-state spec of the record, with protectedSettings (already sealed
// for the agent) as given.
func (r *Record) Spec(protectedSettings string) protocol.ExtensionSpec {
	return protocol.ExtensionSpec{
		ExtensionType: r.ExtensionType, ReleaseTrain: r.ReleaseTrain, Version: r.Version,
		AutoUpgradeMinorVersion: r.AutoUpgradeMinorVersion, Chart: r.Chart, Scope: r.Scope, Namespace: r.Namespace,
		ConfigurationSettings: r.ConfigurationSettings, ProtectedSettings: protectedSettings,
	}
}

// Ref returns the extension's ARM ID and name.
func (r *Record) Ref() (id, name string) { return r.ID, r.Name }

// BeingDeleted says whether the extension waits for the agent to uninstall it.
func (r *Record) BeingDeleted() bool { return r.Deleting }

// SetDeleting marks the extension as waiting for the agent to uninstall it.
func (r *Record) SetDeleting() { r.Deleting = true }

// SealedAtRest returns the protected settings sealed with the hub's data key.
func (r *Record) SealedAtRest() string { return r.SealedProtectedSettings }
