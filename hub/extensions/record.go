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

// Package extensions is the hub's nested kind Microsoft.KubernetesConfiguration/extensions:
// its ARM documents and their validation, resolving the catalog version, the desired state
// delivered to the agent, the state shown from the status the agent reports, and
// auto-upgrades when the catalog changes. hub/nested stores, seals and serves it.
//
// Protected settings are sealed twice: at rest with the hub's data key
// (Record.SealedProtectedSettings), and for delivery with the cluster's agent key
// (protocol.ExtensionSpec.ProtectedSettings). Neither copy, nor the plaintext, is ever
// rendered, logged or put in an error.
//
// Cluster-owned extensions (an Extension CR applied in the cluster, reported with an empty
// observedResourceVersion) are shown read-only, with systemData.createdByType "Cluster".
package extensions

import (
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ResourceType is the ARM type of an extension.
const ResourceType = "Microsoft.KubernetesConfiguration/extensions"

// APIVersion is the api-version of extensions (armkubernetesconfiguration/v2).
const APIVersion = "2023-05-01"

// Phases of a change the agent has not observed yet.
const (
	PhaseCreating = nested.PhaseCreating
	PhaseUpdating = nested.PhaseUpdating
)

// ID is the ARM ID of the extension name of the cluster clusterID.
func ID(clusterID, name string) string { return names().ID(clusterID, name) }

// Settings are what the user asked for.
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

// Record is a stored extension.
type Record struct {
	nested.Meta
	Settings
	// Version and Chart are the resolved catalog release.
	Version string            `json:"resolvedVersion"`
	Chart   protocol.ChartRef `json:"chart"`
	// Workspace is the monitoring workspace its settings name, resolved; nil for none.
	Workspace *WorkspaceBinding `json:"workspace,omitempty"`
}

// Spec is the record's desired state for the agent, with protectedSettings sealed for the
// cluster's agent key.
func (r *Record) Spec(protectedSettings string) protocol.ExtensionSpec {
	return protocol.ExtensionSpec{
		ExtensionType: r.ExtensionType, ReleaseTrain: r.ReleaseTrain, Version: r.Version,
		AutoUpgradeMinorVersion: r.AutoUpgradeMinorVersion, Chart: r.Chart, Scope: r.Scope, Namespace: r.Namespace,
		ConfigurationSettings: r.deliveredSettings(), ProtectedSettings: protectedSettings,
	}
}
