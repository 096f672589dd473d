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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GitOpsScope says what a GitOpsConfiguration's Kustomizations may change.
// +kubebuilder:validation:Enum=cluster;namespace
type GitOpsScope string

// GitOps scopes, as the ARM fluxConfiguration's scope.
const (
	// GitOpsScopeCluster lets the Kustomizations apply objects anywhere in the cluster.
	GitOpsScopeCluster GitOpsScope = "cluster"
	// GitOpsScopeNamespace makes the Kustomizations apply namespaced objects into the
	// configuration's namespace only (Flux's targetNamespace).
	GitOpsScopeNamespace GitOpsScope = "namespace"
)

// SourceKindGitRepository is the only source kind supported so far.
const SourceKindGitRepository = "GitRepository"

// ComplianceState says whether the cluster matches a GitOps configuration, with the values
// of the ARM fluxConfiguration's complianceState.
// +kubebuilder:validation:Enum=Compliant;Non-Compliant;Pending;Suspended;Unknown
type ComplianceState string

// Compliance states.
const (
	// ComplianceCompliant: every Flux object is Ready at its latest generation.
	ComplianceCompliant ComplianceState = "Compliant"
	// ComplianceNonCompliant: a Flux object failed; its status says why.
	ComplianceNonCompliant ComplianceState = "Non-Compliant"
	// CompliancePending: Flux has not finished reconciling the latest spec yet.
	CompliancePending ComplianceState = "Pending"
	// ComplianceSuspended: the configuration is suspended.
	ComplianceSuspended ComplianceState = "Suspended"
	// ComplianceUnknown: the agent cannot tell, for example because Flux is not installed.
	ComplianceUnknown ComplianceState = "Unknown"
)

// GitOpsConfigurationSpec is what should be synced from a repository into the cluster: a
// Flux GitRepository and one Flux Kustomization per entry, as an ARM fluxConfiguration.
// +kubebuilder:validation:XValidation:rule="self.sourceKind != 'GitRepository' || has(self.gitRepository)",message="gitRepository is required when sourceKind is GitRepository: set gitRepository.url and gitRepository.repositoryRef"
type GitOpsConfigurationSpec struct {
	// scope is cluster (the Kustomizations may apply anything) or namespace (namespaced
	// objects land in namespace only).
	// +kubebuilder:default=cluster
	// +optional
	Scope GitOpsScope `json:"scope,omitempty"`

	// namespace is where the Flux objects (and their auth Secret) are created; it is created
	// when missing.
	// +kubebuilder:default=default
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// sourceKind is the kind of the Flux source; only GitRepository is supported.
	// +kubebuilder:default=GitRepository
	// +kubebuilder:validation:Enum=GitRepository
	// +optional
	SourceKind string `json:"sourceKind,omitempty"`

	// suspend stops Flux from reconciling the source and the Kustomizations.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// gitRepository is the Git repository to sync from.
	// +optional
	GitRepository *GitRepositorySource `json:"gitRepository,omitempty"`

	// kustomizations are the paths of the repository to apply, one Flux Kustomization each,
	// named <configuration>-<name>.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !has(k.dependsOn) || k.dependsOn.all(d, d != k.name && self.exists(o, o.name == d)))",message="every kustomizations[].dependsOn entry must name another kustomization of this configuration"
	// +optional
	Kustomizations []KustomizationSpec `json:"kustomizations,omitempty"`

	// secretRef names a Secret in this object's namespace with the protected settings:
	// sshPrivateKey (a PEM private key), httpsKey (the HTTPS password or token) or
	// bearerToken. It is turned into the Flux auth Secret, with sshKnownHosts and
	// httpsUser.
	// +optional
	SecretRef *SecretReference `json:"secretRef,omitempty"`
}

// GitRepositorySource is the Git repository of a GitOpsConfiguration.
type GitRepositorySource struct {
	// url is the repository URL: https://, http:// or ssh://.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getScheme() in ['http', 'https', 'ssh'] && url(self).getHostname() != ''",message="gitRepository.url must be an http, https or ssh URL with a host, for example https://github.com/org/repo or ssh://git@github.com/org/repo"
	// +required
	URL string `json:"url"`

	// timeout bounds one fetch of the repository.
	// +kubebuilder:default="10m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// syncInterval is how often the repository is fetched.
	// +kubebuilder:default="10m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	SyncInterval *metav1.Duration `json:"syncInterval,omitempty"`

	// repositoryRef is the branch, tag, semver range or commit to check out.
	// +required
	RepositoryRef RepositoryRef `json:"repositoryRef"`

	// sshKnownHosts is the known_hosts content (plain text) that authenticates an SSH server.
	// +kubebuilder:validation:MaxLength=65536
	// +optional
	SSHKnownHosts string `json:"sshKnownHosts,omitempty"`

	// httpsUser is the user name for HTTPS basic auth; the password is httpsKey in the
	// protected settings.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	HTTPSUser string `json:"httpsUser,omitempty"`

	// httpsCACert is a PEM CA bundle (plain text) that authenticates an HTTPS server.
	// +kubebuilder:validation:MaxLength=65536
	// +optional
	HTTPSCACert string `json:"httpsCACert,omitempty"`

	// localAuthRef names a Secret in namespace that Flux uses as is for authentication,
	// instead of one built from the protected settings.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	LocalAuthRef string `json:"localAuthRef,omitempty"`
}

// RepositoryRef selects what to check out; exactly one field is set.
// +kubebuilder:validation:XValidation:rule="[has(self.branch), has(self.tag), has(self.semver), has(self.commit)].filter(x, x).size() == 1",message="repositoryRef must set exactly one of branch, tag, semver or commit"
type RepositoryRef struct {
	// branch to follow.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Branch string `json:"branch,omitempty"`

	// tag to check out.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Tag string `json:"tag,omitempty"`

	// semver is a range matched against the repository's tags, for example ">=1.0.0 <2.0.0".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Semver string `json:"semver,omitempty"`

	// commit is the full SHA-1 or SHA-256 of the commit to check out.
	// +kubebuilder:validation:Pattern="^([0-9a-f]{40}|[0-9a-f]{64})$"
	// +optional
	Commit string `json:"commit,omitempty"`
}

// KustomizationSpec is one path of the repository to apply, with Flux's parameters.
type KustomizationSpec struct {
	// name of the kustomization, unique in the configuration.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
	// +required
	Name string `json:"name"`

	// path in the repository to build with kustomize; the root when empty.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Path string `json:"path,omitempty"`

	// dependsOn names other kustomizations of this configuration that must be Ready first.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=63
	// +listType=set
	// +optional
	DependsOn []string `json:"dependsOn,omitempty"`

	// timeout bounds one apply and health check.
	// +kubebuilder:default="10m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// syncInterval is how often the kustomization is applied again.
	// +kubebuilder:default="10m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	SyncInterval *metav1.Duration `json:"syncInterval,omitempty"`

	// retryInterval is how soon a failed apply is retried; syncInterval when empty.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	RetryInterval *metav1.Duration `json:"retryInterval,omitempty"`

	// prune deletes the objects that disappear from the repository, and the applied objects
	// when the kustomization is removed.
	// +optional
	Prune bool `json:"prune,omitempty"`

	// force recreates objects whose immutable fields changed.
	// +optional
	Force bool `json:"force,omitempty"`

	// wait makes Ready wait for the applied objects to become healthy.
	// +kubebuilder:default=true
	// +optional
	Wait *bool `json:"wait,omitempty"`

	// postBuild substitutes variables in the built manifests.
	// +optional
	PostBuild *KustomizationPostBuild `json:"postBuild,omitempty"`
}

// KustomizationPostBuild is Flux's variable substitution after kustomize build.
type KustomizationPostBuild struct {
	// substitute maps variable names to values.
	// +optional
	Substitute map[string]string `json:"substitute,omitempty"`

	// substituteFrom lists ConfigMaps and Secrets in namespace holding variables.
	// +kubebuilder:validation:MaxItems=32
	// +optional
	SubstituteFrom []SubstituteFrom `json:"substituteFrom,omitempty"`
}

// SubstituteFrom references a ConfigMap or Secret with substitution variables.
type SubstituteFrom struct {
	// kind is ConfigMap or Secret.
	// +kubebuilder:validation:Enum=ConfigMap;Secret
	// +required
	Kind string `json:"kind"`

	// name of the ConfigMap or Secret, in namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// optional lets the kustomization proceed when the object is missing.
	// +optional
	Optional bool `json:"optional,omitempty"`
}

// FluxObjectReference locates a namespaced Flux object.
type FluxObjectReference struct {
	// name of the object.
	// +required
	Name string `json:"name"`
	// namespace of the object.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// FluxObjectStatus is what the agent saw of one Flux object of the configuration.
type FluxObjectStatus struct {
	// kind of the object, e.g. GitRepository or Kustomization.
	// +required
	Kind string `json:"kind"`
	// name of the object.
	// +required
	Name string `json:"name"`
	// namespace of the object.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// complianceState of the object.
	// +required
	ComplianceState ComplianceState `json:"complianceState"`
	// appliedBy is the Kustomization that applied the object, when one did.
	// +optional
	AppliedBy *FluxObjectReference `json:"appliedBy,omitempty"`
	// conditions are the object's conditions as Flux reports them.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// GitOpsConfigurationStatus is what the agent saw of the Flux objects.
type GitOpsConfigurationStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, and Reconciling or Stalled while true.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// complianceState sums up the Flux objects' states.
	// +optional
	ComplianceState ComplianceState `json:"complianceState,omitempty"`

	// statuses has one entry per Flux object of the configuration.
	// +optional
	Statuses []FluxObjectStatus `json:"statuses,omitempty"`

	// sourceSyncedCommitId is the revision Flux fetched last, e.g. main@sha1:0a1b….
	// +optional
	SourceSyncedCommitID string `json:"sourceSyncedCommitId,omitempty"`

	// sourceUpdatedAt is when Flux fetched that revision.
	// +optional
	SourceUpdatedAt *metav1.Time `json:"sourceUpdatedAt,omitempty"`

	// errorMessage says what failed, when something did; it never contains secrets.
	// +optional
	ErrorMessage string `json:"errorMessage,omitempty"`
}

// GitOpsConfiguration syncs a Git repository into the cluster through Flux, like an Azure
// Arc fluxConfiguration. It lives in the agent's namespace; its Flux objects live in
// spec.namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=gitops,categories=kubearc
// +kubebuilder:printcolumn:name="Compliance",type=string,JSONPath=`.status.complianceState`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.spec.gitRepository.url`
// +kubebuilder:printcolumn:name="Revision",type=string,JSONPath=`.status.sourceSyncedCommitId`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type GitOpsConfiguration struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired sync.
	// +required
	Spec GitOpsConfigurationSpec `json:"spec"`

	// status is what the agent saw.
	// +optional
	Status GitOpsConfigurationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// GitOpsConfigurationList is a list of GitOpsConfigurations.
type GitOpsConfigurationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GitOpsConfiguration `json:"items"`
}

// GetConditions returns the status conditions.
func (g *GitOpsConfiguration) GetConditions() []metav1.Condition { return g.Status.Conditions }

// SetConditions replaces the status conditions.
func (g *GitOpsConfiguration) SetConditions(c []metav1.Condition) { g.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (g *GitOpsConfiguration) SetObservedGeneration(gen int64) { g.Status.ObservedGeneration = gen }

func init() {
	SchemeBuilder.Register(addKnownTypes(&GitOpsConfiguration{}, &GitOpsConfigurationList{}))
}
