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

// KindGitOpsConfiguration is a Flux configuration (ARM fluxConfigurations); its name is the
// fluxConfiguration's ARM name.
const KindGitOpsConfiguration = "GitOpsConfiguration"

// SourceKindGitRepository is the only GitOps source kind so far.
const SourceKindGitRepository = "GitRepository"

// Keys of the GitOps protected settings (the ARM configurationProtectedSettings). Their
// values are base64-encoded, as az k8s-configuration flux sends them.
const (
	// ProtectedSSHPrivateKey is the base64 PEM private key for an ssh:// repository.
	ProtectedSSHPrivateKey = "sshPrivateKey"
	// ProtectedHTTPSKey is the base64 password or token for HTTPS basic auth, with httpsUser.
	ProtectedHTTPSKey = "httpsKey"
	// ProtectedBearerToken is a base64 token sent as "Authorization: Bearer" (a kubearc
	// extension of Arc's keys).
	ProtectedBearerToken = "bearerToken"
)

// GitOpsConfigurationSpec is the spec of a KindGitOpsConfiguration object. Field names and
// units are those of the ARM fluxConfiguration properties (api-version 2023-05-01), so the
// hub passes them through; the agent turns them into a GitOpsConfiguration CR.
type GitOpsConfigurationSpec struct {
	// Scope is ScopeCluster or ScopeNamespace.
	Scope string `json:"scope,omitempty"`
	// Namespace is where the Flux objects are created.
	Namespace string `json:"namespace,omitempty"`
	// SourceKind is SourceKindGitRepository.
	SourceKind string `json:"sourceKind,omitempty"`
	// Suspend stops Flux from reconciling the source and the kustomizations.
	Suspend bool `json:"suspend,omitempty"`
	// GitRepository is the repository to sync from.
	GitRepository *GitRepositoryDefinition `json:"gitRepository,omitempty"`
	// Kustomizations are keyed by name.
	Kustomizations map[string]KustomizationDefinition `json:"kustomizations,omitempty"`
	// ProtectedSettings is a compact JWE (package pkg/seal) encrypted for the cluster's agent
	// key; its plaintext is a JSON object of the Protected* keys to base64 values. Empty
	// when there are none.
	ProtectedSettings string `json:"protectedSettings,omitempty"`
}

// GitRepositoryDefinition is the ARM gitRepository of a fluxConfiguration.
type GitRepositoryDefinition struct {
	// URL is the repository's http(s):// or ssh:// URL.
	URL string `json:"url"`
	// TimeoutInSeconds bounds one fetch (default 600).
	TimeoutInSeconds *int64 `json:"timeoutInSeconds,omitempty"`
	// SyncIntervalInSeconds is how often the repository is fetched (default 600).
	SyncIntervalInSeconds *int64 `json:"syncIntervalInSeconds,omitempty"`
	// RepositoryRef selects what to check out: exactly one of its fields is set.
	RepositoryRef *RepositoryRefDefinition `json:"repositoryRef,omitempty"`
	// SSHKnownHosts is the base64 known_hosts content.
	SSHKnownHosts string `json:"sshKnownHosts,omitempty"`
	// HTTPSUser is the HTTPS basic-auth user; the password is ProtectedHTTPSKey.
	HTTPSUser string `json:"httpsUser,omitempty"`
	// HTTPSCACert is the base64 PEM CA bundle of an HTTPS server.
	HTTPSCACert string `json:"httpsCACert,omitempty"`
	// LocalAuthRef names a Secret in the Flux namespace used as the auth Secret as it is.
	LocalAuthRef string `json:"localAuthRef,omitempty"`
}

// RepositoryRefDefinition is the ARM repositoryRef.
type RepositoryRefDefinition struct {
	Branch string `json:"branch,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Semver string `json:"semver,omitempty"`
	Commit string `json:"commit,omitempty"`
}

// KustomizationDefinition is one ARM kustomization; its name is its key in the map.
type KustomizationDefinition struct {
	// Path in the repository to build; the root when empty.
	Path string `json:"path,omitempty"`
	// DependsOn names other kustomizations of the configuration.
	DependsOn []string `json:"dependsOn,omitempty"`
	// TimeoutInSeconds bounds one apply (default 600).
	TimeoutInSeconds *int64 `json:"timeoutInSeconds,omitempty"`
	// SyncIntervalInSeconds is how often it is applied (default 600).
	SyncIntervalInSeconds *int64 `json:"syncIntervalInSeconds,omitempty"`
	// RetryIntervalInSeconds is how soon a failed apply is retried.
	RetryIntervalInSeconds *int64 `json:"retryIntervalInSeconds,omitempty"`
	// Prune deletes what disappears from the repository.
	Prune bool `json:"prune,omitempty"`
	// Force recreates objects whose immutable fields changed.
	Force bool `json:"force,omitempty"`
	// Wait makes Ready wait for health (default true).
	Wait *bool `json:"wait,omitempty"`
	// PostBuild substitutes variables.
	PostBuild *PostBuildDefinition `json:"postBuild,omitempty"`
}

// PostBuildDefinition is the ARM postBuild.
type PostBuildDefinition struct {
	Substitute     map[string]string          `json:"substitute,omitempty"`
	SubstituteFrom []SubstituteFromDefinition `json:"substituteFrom,omitempty"`
}

// SubstituteFromDefinition references a ConfigMap or Secret with variables.
type SubstituteFromDefinition struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Optional bool   `json:"optional,omitempty"`
}

// Compliance states of a GitOps configuration and of each Flux object (ARM's values).
const (
	ComplianceCompliant    = "Compliant"
	ComplianceNonCompliant = "Non-Compliant"
	CompliancePending      = "Pending"
	ComplianceSuspended    = "Suspended"
	ComplianceUnknown      = "Unknown"
)

// GitOpsConfigurationStatus is the status payload of a KindGitOpsConfiguration
// ObjectStatus: the read-only properties of the ARM fluxConfiguration.
type GitOpsConfigurationStatus struct {
	// ProvisioningState is Succeeded once the Flux objects are applied, Failed when the
	// configuration cannot be applied (ErrorMessage says why), InProgress, or Deleted once
	// the Flux objects are gone.
	ProvisioningState string `json:"provisioningState"`
	// ComplianceState is one of the Compliance* constants.
	ComplianceState string `json:"complianceState"`
	// Statuses has one entry per Flux object.
	Statuses []FluxObjectStatus `json:"statuses,omitempty"`
	// SourceSyncedCommitID is the revision Flux fetched, e.g. main@sha1:0a1b….
	SourceSyncedCommitID string `json:"sourceSyncedCommitId,omitempty"`
	// SourceUpdatedAt is when Flux fetched it, RFC 3339.
	SourceUpdatedAt string `json:"sourceUpdatedAt,omitempty"`
	// ErrorMessage says what failed; it never contains protected settings.
	ErrorMessage string `json:"errorMessage,omitempty"`
	// Conditions are the CR's conditions.
	Conditions []Condition `json:"conditions,omitempty"`
	// ClusterOwned describes a configuration applied in the cluster (not by the hub), whose
	// spec the hub does not have; ProtectedSettings is always empty.
	ClusterOwned *GitOpsConfigurationSpec `json:"clusterOwned,omitempty"`
}

// FluxObjectStatus is ARM's ObjectStatusDefinition: one Flux object's state.
type FluxObjectStatus struct {
	Kind            string           `json:"kind"`
	Name            string           `json:"name"`
	Namespace       string           `json:"namespace,omitempty"`
	ComplianceState string           `json:"complianceState"`
	AppliedBy       *ObjectReference `json:"appliedBy,omitempty"`
	// StatusConditions are the object's conditions as Flux reports them.
	StatusConditions []Condition `json:"statusConditions,omitempty"`
}

// ObjectReference is ARM's ObjectReferenceDefinition.
type ObjectReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}
