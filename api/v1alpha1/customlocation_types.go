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

// Labels and annotations of what a CustomLocation makes.
const (
	// CustomLocationLabel names, on a namespace and on the RoleBindings the agent made in
	// it, the CustomLocation that holds them.
	CustomLocationLabel = "arc.kubearc.io/custom-location"
	// CustomLocationIDAnnotation holds, on a location's namespace, the location's ARM ID.
	CustomLocationIDAnnotation = "arc.kubearc.io/custom-location-id"
	// AgentManagedByLabel is the Kubernetes recommended managed-by label; its value
	// AgentManagedBy marks the objects the agent made and removes.
	AgentManagedByLabel = "app.kubernetes.io/managed-by"
	// AgentManagedBy is the value of AgentManagedByLabel on the agent's objects.
	AgentManagedBy = "kubearc-agent"
)

// Reasons of a CustomLocation's conditions.
const (
	// FeatureDisabledReason: the agent runs without the custom-locations feature, so it grants
	// the custom-location identity nothing.
	FeatureDisabledReason = "FeatureDisabled"
	// NamespaceInUseReason: the namespace is another custom location's; a namespace hosts
	// one custom location.
	NamespaceInUseReason = "NamespaceInUse"
	// NamespaceTerminatingReason: the namespace is being deleted; the agent waits until it is
	// gone to create it again.
	NamespaceTerminatingReason = "NamespaceTerminating"
	// ClusterRoleNotFoundReason: a ClusterRole of spec.clusterRoles does not exist (yet);
	// the extension that provides it may install it later.
	ClusterRoleNotFoundReason = "ClusterRoleNotFound"
	// RoleBindingConflictReason: a RoleBinding of the name the agent uses exists and is not
	// the agent's.
	RoleBindingConflictReason = "RoleBindingConflict"
	// RBACFailedReason: the namespace or the RoleBindings could not be written or removed;
	// the agent retries.
	RBACFailedReason = "RBACFailed"
)

// CustomLocationSpec is a custom location hosted by the cluster: a namespace made a
// deployment target, as the hub's protocol.CustomLocationSpec.
type CustomLocationSpec struct {
	// locationId is the ARM ID of the customLocation, e.g.
	// /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ExtendedLocation/customLocations/<name>.
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="locationId is required: set it to the customLocation's ARM ID, or to an ID of your own for a location applied in the cluster"
	// +required
	LocationID string `json:"locationId"`

	// namespace is the namespace the location targets; the agent creates it when missing.
	// One custom location per namespace, and not the agent's own (the agent refuses it).
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="namespace must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. apps-east"
	// +kubebuilder:validation:XValidation:rule="!(self in ['kube-system', 'kube-public', 'kube-node-lease'])",message="namespace must not be kube-system, kube-public or kube-node-lease: choose a namespace of the location's own"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="namespace cannot change: delete the custom location and create one for the other namespace"
	// +required
	Namespace string `json:"namespace"`

	// clusterRoles are the ClusterRoles the custom-location identity (kubearc:custom-locations)
	// gets in namespace, through one RoleBinding each.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=200
	// +kubebuilder:validation:XValidation:rule="self.all(r, size(r) > 0 && !r.contains('/') && !r.contains('%') && r != '.' && r != '..')",message="clusterRoles must be ClusterRole names: not empty, without '/' or '%'"
	// +listType=set
	// +optional
	ClusterRoles []string `json:"clusterRoles,omitempty"`

	// deleteNamespace makes deleting the location delete its namespace and everything in it;
	// otherwise only the RoleBindings go and the workloads stay.
	// +optional
	DeleteNamespace bool `json:"deleteNamespace,omitempty"`
}

// CustomLocationStatus is what the agent made for a custom location.
type CustomLocationStatus struct {
	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, and Reconciling or Stalled while true.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// namespace is the namespace the agent labelled for the location.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// roleBindings are the RoleBindings in namespace that grant the custom-location identity
	// spec.clusterRoles.
	// +listType=set
	// +optional
	RoleBindings []string `json:"roleBindings,omitempty"`
}

// CustomLocation turns a namespace into a deployment target, like Azure Arc's custom
// locations: the agent creates the namespace and binds the location's ClusterRoles in it to
// the custom-location identity, which the hub impersonates through the cluster connect
// tunnel to apply resources there. It lives in the agent's namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=cl,categories=kubearc
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="a CustomLocation's name is at most 63 characters: it labels the location's namespace and RoleBindings"
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=`.spec.namespace`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type CustomLocation struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the location's namespace and roles.
	// +required
	Spec CustomLocationSpec `json:"spec"`

	// status is what the agent made.
	// +optional
	Status CustomLocationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CustomLocationList is a list of CustomLocations.
type CustomLocationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CustomLocation `json:"items"`
}

// GetConditions returns the status conditions.
func (c *CustomLocation) GetConditions() []metav1.Condition { return c.Status.Conditions }

// SetConditions replaces the status conditions.
func (c *CustomLocation) SetConditions(conds []metav1.Condition) { c.Status.Conditions = conds }

// SetObservedGeneration records the generation the status describes.
func (c *CustomLocation) SetObservedGeneration(gen int64) { c.Status.ObservedGeneration = gen }

func init() {
	SchemeBuilder.Register(addKnownTypes(&CustomLocation{}, &CustomLocationList{}))
}
