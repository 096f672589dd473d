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

// Labels and annotations of objects the agent creates from the hub's desired state.
const (
	// ManagedByLabel marks an object the agent keeps equal to the hub's copy; its value is
	// ManagedByHub. Objects without it are cluster-owned.
	ManagedByLabel = "arc.kubearc.io/managed-by"
	// ManagedByHub is the value of ManagedByLabel on hub-owned objects.
	ManagedByHub = "hub"
	// HubResourceVersionAnnotation holds the hub's resourceVersion of the desired object the
	// CR was last written from.
	HubResourceVersionAnnotation = "arc.kubearc.io/hub-resource-version"
	// HubNameAnnotation holds the desired object's name on the hub when it differs from the
	// CR's name (the hub allows names Kubernetes does not).
	HubNameAnnotation = "arc.kubearc.io/hub-name"
)

// ExtensionScope says where an extension's release installs.
// +kubebuilder:validation:Enum=cluster;namespace
type ExtensionScope string

// Extension scopes, as the hub names them.
const (
	// ExtensionScopeCluster installs the release once for the cluster, in spec.namespace.
	ExtensionScopeCluster ExtensionScope = "cluster"
	// ExtensionScopeNamespace installs the release into one namespace, spec.namespace.
	ExtensionScopeNamespace ExtensionScope = "namespace"
)

// ChartReference locates one version of a Helm chart.
type ChartReference struct {
	// repository is an HTTP(S) chart repository URL (with an index.yaml), or an OCI
	// repository "oci://host/path" that holds the chart as host/path/name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('oci://') || (isURL(self) && url(self).getScheme() in ['http', 'https'])",message="chart.repository must be an http(s) chart repository URL, for example https://charts.example.com, or an OCI repository, for example oci://registry.example.com/charts"
	Repository string `json:"repository"`

	// name is the chart's name in the repository.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// version is the chart's exact version, for example 1.2.3.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Version string `json:"version"`
}

// ExtensionSpec is the extension the cluster should run: a Helm chart with settings.
// +kubebuilder:validation:XValidation:rule="self.scope != 'namespace' || (has(self.__namespace__) && size(self.__namespace__) > 0)",message="namespace is required when scope is namespace: set it to the namespace the extension installs into"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.scope) || self.scope == oldSelf.scope",message="scope is immutable: delete the Extension and create it again to change it"
// +kubebuilder:validation:XValidation:rule="has(self.__namespace__) == has(oldSelf.__namespace__) && (!has(self.__namespace__) || self.__namespace__ == oldSelf.__namespace__)",message="namespace is immutable: delete the Extension and create it again to move it"
type ExtensionSpec struct {
	// extensionType is the catalog type of the extension, for example flux or gatekeeper.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ExtensionType string `json:"extensionType"`

	// releaseTrain is the catalog release train the version comes from, for example stable.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	ReleaseTrain string `json:"releaseTrain,omitempty"`

	// version is the extension version to install; chart.version is its chart's version.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Version string `json:"version"`

	// autoUpgradeMinorVersion says the hub moves version along the release train.
	// +optional
	AutoUpgradeMinorVersion bool `json:"autoUpgradeMinorVersion,omitempty"`

	// chart is the Helm chart of version.
	// +required
	Chart ChartReference `json:"chart"`

	// scope is cluster (one release for the cluster) or namespace (a release in one namespace).
	// +optional
	// +kubebuilder:default=cluster
	Scope ExtensionScope `json:"scope,omitempty"`

	// namespace is the release namespace (cluster scope) or the target namespace (namespace
	// scope); it is created when missing. Empty means the Extension's own namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.size() == 0 || self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="namespace must be a Kubernetes namespace name: lower-case letters, digits and '-'"
	Namespace string `json:"namespace,omitempty"`

	// configurationSettings are Helm values with dotted keys, for example "image.tag": "v2".
	// +optional
	// +kubebuilder:validation:MaxProperties=256
	ConfigurationSettings map[string]string `json:"configurationSettings,omitempty"`

	// protectedSettingsSecretRef names a Secret, in the Extension's namespace, whose keys are
	// dotted Helm value keys and whose values are their (secret) values. They are merged over
	// configurationSettings and never shown in status.
	// +optional
	ProtectedSettingsSecretRef *SecretReference `json:"protectedSettingsSecretRef,omitempty"`
}

// ExtensionStatus is what the agent observed of the extension's Helm release.
type ExtensionStatus struct {
	// observedGeneration is the generation of the spec the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions are Ready, plus Reconciling and Stalled while true.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// installedVersion is the extension version of the deployed release.
	// +optional
	InstalledVersion string `json:"installedVersion,omitempty"`

	// installedChart is the chart of the deployed release.
	// +optional
	InstalledChart *ChartReference `json:"installedChart,omitempty"`

	// helmRevision is the deployed release's revision.
	// +optional
	HelmRevision int `json:"helmRevision,omitempty"`

	// releaseName is the Helm release's name.
	// +optional
	ReleaseName string `json:"releaseName,omitempty"`

	// releaseNamespace is the Helm release's namespace.
	// +optional
	ReleaseNamespace string `json:"releaseNamespace,omitempty"`

	// lastAttemptedVersion is the extension version the agent last tried to install.
	// +optional
	LastAttemptedVersion string `json:"lastAttemptedVersion,omitempty"`

	// message says what happened last; it never contains protected settings.
	// +optional
	Message string `json:"message,omitempty"`
}

// Extension is a cluster extension: a Helm chart from a catalog, installed and kept up to
// date by the agent. The hub creates them (labelled arc.kubearc.io/managed-by=hub); one
// applied in the cluster works the same and is reported to the hub as cluster-owned.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=ext,categories=kubearc
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.extensionType`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.installedVersion`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Extension struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the extension to run.
	// +required
	Spec ExtensionSpec `json:"spec"`

	// status is what the agent observed.
	// +optional
	Status ExtensionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ExtensionList is a list of Extensions.
type ExtensionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Extension `json:"items"`
}

// GetConditions returns the status conditions.
func (e *Extension) GetConditions() []metav1.Condition { return e.Status.Conditions }

// SetConditions replaces the status conditions.
func (e *Extension) SetConditions(c []metav1.Condition) { e.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (e *Extension) SetObservedGeneration(g int64) { e.Status.ObservedGeneration = g }

// HubOwned reports whether the hub manages the Extension.
func (e *Extension) HubOwned() bool { return e.Labels[ManagedByLabel] == ManagedByHub }

func init() {
	SchemeBuilder.Register(addKnownTypes(&Extension{}, &ExtensionList{}))
}
