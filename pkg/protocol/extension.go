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

package protocol

// KindExtension is a cluster extension; its name is the extension's ARM name.
const KindExtension = "Extension"

// Extension scopes.
const (
	// ScopeCluster installs the release once for the cluster, in ReleaseNamespace.
	ScopeCluster = "cluster"
	// ScopeNamespace installs the release into one namespace, TargetNamespace.
	ScopeNamespace = "namespace"
)

// ChartRef locates one version of a Helm chart.
type ChartRef struct {
	// Repository is an HTTP(S) chart repository URL (with an index.yaml), or an OCI
	// repository reference "oci://host/path" that holds the chart as host/path/Name.
	Repository string `json:"repository"`
	// Name is the chart's name in the repository.
	Name string `json:"name"`
	// Version is the chart's exact version.
	Version string `json:"version"`
}

// ExtensionSpec is the spec of a KindExtension object: what the hub wants installed. The hub
// resolves the catalog, so the agent installs exactly Chart; auto-upgrade arrives as a new
// spec with a newer Version.
type ExtensionSpec struct {
	// ExtensionType is the catalog type, e.g. flux or gatekeeper.
	ExtensionType string `json:"extensionType"`
	// ReleaseTrain is the catalog release train the version comes from, e.g. stable.
	ReleaseTrain string `json:"releaseTrain,omitempty"`
	// Version is the extension version to install; Chart.Version is its chart's version.
	Version string `json:"version"`
	// AutoUpgradeMinorVersion says the hub moves Version along the release train.
	AutoUpgradeMinorVersion bool `json:"autoUpgradeMinorVersion"`
	// Chart is the Helm chart of Version.
	Chart ChartRef `json:"chart"`
	// Scope is ScopeCluster or ScopeNamespace.
	Scope string `json:"scope"`
	// Namespace is the release namespace (cluster scope) or target namespace (namespace scope).
	Namespace string `json:"namespace"`
	// ConfigurationSettings are Helm values with dotted keys, e.g. "image.tag": "v2".
	ConfigurationSettings map[string]string `json:"configurationSettings,omitempty"`
	// ProtectedSettings is a compact JWE (package pkg/seal) encrypted for the cluster's agent
	// key; its plaintext is a JSON object of dotted keys to string values, like
	// ConfigurationSettings. Empty when there are none.
	ProtectedSettings string `json:"protectedSettings,omitempty"`
}

// Provisioning states the agent reports for an extension.
const (
	// ProvisioningSucceeded: the release of the observed spec is deployed.
	ProvisioningSucceeded = "Succeeded"
	// ProvisioningFailed: the observed spec could not be installed or upgraded; Message says
	// why, and the last good release keeps running.
	ProvisioningFailed = "Failed"
	// ProvisioningInProgress: the agent is installing, upgrading or uninstalling.
	ProvisioningInProgress = "InProgress"
	// ProvisioningDeleted: the release is uninstalled; the hub may forget the extension.
	ProvisioningDeleted = "Deleted"
)

// ExtensionStatus is the status payload of a KindExtension ObjectStatus.
type ExtensionStatus struct {
	// ProvisioningState is one of the Provisioning* constants.
	ProvisioningState string `json:"provisioningState"`
	// InstalledVersion is the extension version of the deployed release.
	InstalledVersion string `json:"installedVersion,omitempty"`
	// HelmRevision is the deployed release's revision.
	HelmRevision int `json:"helmRevision,omitempty"`
	// Message says what happened last, never containing protected settings.
	Message string `json:"message,omitempty"`
	// ExtensionType, Version, Scope and Namespace describe a cluster-owned extension (one
	// applied in the cluster, not by the hub), whose spec the hub does not have.
	ExtensionType string `json:"extensionType,omitempty"`
	ReleaseTrain  string `json:"releaseTrain,omitempty"`
	Scope         string `json:"scope,omitempty"`
	Namespace     string `json:"namespace,omitempty"`
	// Conditions are the Extension CR's conditions (type, status, reason, message).
	Conditions []Condition `json:"conditions,omitempty"`
}

// Condition is a Kubernetes condition as reported to the hub.
type Condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
}
