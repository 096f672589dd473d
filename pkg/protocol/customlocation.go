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

// KindCustomLocation is a custom location hosted by the cluster (ARM
// Microsoft.ExtendedLocation/customLocations whose hostResourceId is the cluster): a namespace
// made a deployment target, with RoleBindings for CustomLocationIdentity. Its name is
// CustomLocationName of the location's ARM ID.
const KindCustomLocation = "CustomLocation"

// CustomLocationIdentity is the Kubernetes user the hub impersonates, through the cluster's
// tunnel, when it applies the resources created on a custom location: the cluster's RBAC,
// granted by the agent only while the custom-locations feature is on, bounds what it can do.
// No hub principal ever maps to this name.
const CustomLocationIdentity = "kubearc:custom-locations"

// Features an agent reports in its heartbeat, as az connectedk8s enable-features names them.
const (
	FeatureClusterConnect  = "cluster-connect"
	FeatureCustomLocations = "custom-locations"
)

// CustomLocationSpec is the spec of a KindCustomLocation object.
type CustomLocationSpec struct {
	// LocationID is the customLocation's ARM ID, as the user wrote it.
	LocationID string `json:"locationId"`
	// Namespace is the namespace the location targets; the agent creates it if needed.
	Namespace string `json:"namespace"`
	// ClusterRoles are the ClusterRoles CustomLocationIdentity gets in Namespace, through one
	// RoleBinding each: those that the location's extensions' types declare in the catalog.
	ClusterRoles []string `json:"clusterRoles,omitempty"`
	// DeleteNamespace makes deleting the location delete its namespace and everything in it;
	// otherwise only the RoleBindings go.
	DeleteNamespace bool `json:"deleteNamespace,omitempty"`
}

// CustomLocationStatus is the status payload of a KindCustomLocation ObjectStatus.
type CustomLocationStatus struct {
	// ProvisioningState is Succeeded once the namespace and every RoleBinding exist, Failed
	// when they cannot be made (ErrorMessage says why), InProgress, or Deleted once the
	// RoleBindings (and, when asked, the namespace) are gone.
	ProvisioningState string `json:"provisioningState"`
	// Namespace is the namespace the location targets.
	Namespace string `json:"namespace,omitempty"`
	// RoleBindings are the RoleBindings made for CustomLocationIdentity.
	RoleBindings []string `json:"roleBindings,omitempty"`
	// ErrorMessage says what failed.
	ErrorMessage string `json:"errorMessage,omitempty"`
	// Conditions are the CR's conditions.
	Conditions []Condition `json:"conditions,omitempty"`
	// ClusterOwned is the spec of a custom location applied in the cluster, not by the hub,
	// whose spec the hub does not have.
	ClusterOwned *CustomLocationSpec `json:"clusterOwned,omitempty"`
}

// CustomLocationName is the name of a custom location's CustomLocation object.
func CustomLocationName(locationID string) string { return armObjectName("location-", locationID) }
