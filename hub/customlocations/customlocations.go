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

// Package customlocations is Microsoft.ExtendedLocation/customLocations on the hub's kind
// registry (hub/nested): a resource group's resource hosted by a connectedCluster, which
// turns a namespace of the cluster into a deployment target. This package holds its mapping
// and validation; the registry stores it, pushes its protocol.CustomLocationSpec to the host's
// agent and derives its provisioningState from the agent's report.
package customlocations

import (
	"github.com/kubearc/kubearc/hub/nested"
)

// ARM names of custom locations.
const (
	ResourceType = "Microsoft.ExtendedLocation/customLocations"
	APIVersion   = "2021-08-15"
	// HostTypeKubernetes is the only host type.
	HostTypeKubernetes = "Kubernetes"
)

// Service is the registry's service of custom locations.
type Service = nested.Service[Record, *Record, *Document]

// Record is a stored custom location.
type Record struct {
	nested.Meta
	Location       string            `json:"location"`
	Tags           map[string]string `json:"tags,omitempty"`
	HostResourceID string            `json:"hostResourceId"`
	Namespace      string            `json:"namespace"`
	DisplayName    string            `json:"displayName,omitempty"`
	// ClusterExtensionIDs are the extensions as the user named them.
	ClusterExtensionIDs []string `json:"clusterExtensionIds,omitempty"`
	// DeleteNamespaceOnDelete makes the deletion remove the namespace (a kubearc property).
	DeleteNamespaceOnDelete bool      `json:"deleteNamespaceOnDelete,omitempty"`
	Identity                *Identity `json:"identity,omitempty"`
	// Extensions are the extensions' types, and ClusterRoles the roles they declare in the
	// catalog, as admitted at the last write.
	Extensions   []Extension `json:"extensions,omitempty"`
	ClusterRoles []string    `json:"clusterRoles,omitempty"`
}

// Extension is one of a location's cluster extensions, with its type.
type Extension struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Identity is a custom location's managed identity, in the ARM shape.
type Identity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	TenantID    string `json:"tenantId,omitempty"`
}

// Identity types.
const (
	IdentityNone           = "None"
	IdentitySystemAssigned = "SystemAssigned"
)

// Document is a custom location as ARM answers it.
type Document struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Type       string             `json:"type"`
	ETag       string             `json:"etag,omitempty"`
	Location   string             `json:"location"`
	Tags       map[string]string  `json:"tags,omitempty"`
	Identity   *Identity          `json:"identity,omitempty"`
	SystemData *nested.SystemData `json:"systemData,omitempty"`
	Properties *Properties        `json:"properties"`
	// failure is why the agent could not make the namespace or its bindings.
	failure string
}

// SetETag sets the document's etag; the registry calls it when it renders a record.
func (d *Document) SetETag(etag string) { d.ETag = etag }

// EntityTag returns the document's etag, for the ETag header.
func (d *Document) EntityTag() string { return d.ETag }

// Properties are a custom location's properties as answered; authentication is write-only
// and never among them.
type Properties struct {
	HostResourceID          string   `json:"hostResourceId"`
	HostType                string   `json:"hostType"`
	Namespace               string   `json:"namespace"`
	DisplayName             string   `json:"displayName,omitempty"`
	ClusterExtensionIDs     []string `json:"clusterExtensionIds"`
	DeleteNamespaceOnDelete bool     `json:"deleteNamespaceOnDelete,omitempty"`
	ProvisioningState       string   `json:"provisioningState"`
	// ProvisioningError is what the agent said when provisioningState is Failed (a kubearc
	// addition; ARM clients ignore it).
	ProvisioningError string `json:"provisioningError,omitempty"`
}

// List is a page of custom locations.
type List struct {
	Value    []*Document `json:"value"`
	NextLink string      `json:"nextLink,omitempty"`
}

// SetNextLink sets the URL of the next page; the API calls it when more follow.
func (l *List) SetNextLink(link string) { l.NextLink = link }
