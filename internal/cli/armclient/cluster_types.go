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

package armclient

import (
	"encoding/json"
	"time"
)

// Cluster is a Microsoft.Kubernetes/connectedClusters resource as the hub answered it. The
// typed fields serve tables; Raw keeps the hub's document, which MarshalJSON returns
// unchanged so that -o json shows exactly what the hub said.
type Cluster struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags,omitempty"`
	Kind       string            `json:"kind,omitempty"`
	Identity   *Identity         `json:"identity,omitempty"`
	SystemData *SystemData       `json:"systemData,omitempty"`
	Properties ClusterProperties `json:"properties"`
	// Raw is the hub's JSON document.
	Raw json.RawMessage `json:"-"`
}

// Identity is a cluster's managed identity.
type Identity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
}

// SystemData says who created and last changed a resource, and when.
type SystemData struct {
	CreatedBy      string     `json:"createdBy,omitempty"`
	CreatedAt      *time.Time `json:"createdAt,omitempty"`
	LastModifiedBy string     `json:"lastModifiedBy,omitempty"`
	LastModifiedAt *time.Time `json:"lastModifiedAt,omitempty"`
}

// ClusterProperties are the properties of a connected cluster (api-version 2024-01-01).
type ClusterProperties struct {
	ProvisioningState    string           `json:"provisioningState,omitempty"`
	ConnectivityStatus   string           `json:"connectivityStatus,omitempty"`
	LastConnectivityTime *time.Time       `json:"lastConnectivityTime,omitempty"`
	KubernetesVersion    string           `json:"kubernetesVersion,omitempty"`
	TotalNodeCount       *int32           `json:"totalNodeCount,omitempty"`
	TotalCoreCount       *int32           `json:"totalCoreCount,omitempty"`
	AgentVersion         string           `json:"agentVersion,omitempty"`
	Distribution         string           `json:"distribution,omitempty"`
	DistributionVersion  string           `json:"distributionVersion,omitempty"`
	Infrastructure       string           `json:"infrastructure,omitempty"`
	ArcAgentProfile      *ArcAgentProfile `json:"arcAgentProfile,omitempty"`
}

// ArcAgentProfile is how the cluster's agent is upgraded.
type ArcAgentProfile struct {
	DesiredAgentVersion string `json:"desiredAgentVersion,omitempty"`
	AgentAutoUpgrade    string `json:"agentAutoUpgrade,omitempty"`
	// LogLevel is the least severe level of the log lines the agent ships; empty means the
	// agent's default.
	LogLevel string `json:"logLevel,omitempty"`
}

// UnmarshalJSON decodes the typed fields and keeps the document in Raw.
func (c *Cluster) UnmarshalJSON(data []byte) error {
	type plain Cluster
	return unmarshalKeeping(data, (*plain)(c), &c.Raw)
}

// MarshalJSON returns the hub's document.
func (c Cluster) MarshalJSON() ([]byte, error) {
	type plain Cluster
	return marshalKept(plain(c), c.Raw)
}

// ClusterPatch is the body of a PATCH: only the fields that are set change.
type ClusterPatch struct {
	// Tags, when not nil, replace the cluster's tags; an empty map removes them all. nil is
	// sent as null, which leaves the tags as they are.
	Tags       map[string]string       `json:"tags"`
	Properties *ClusterPatchProperties `json:"properties,omitempty"`
}

// ClusterPatchProperties are the properties a user may change.
type ClusterPatchProperties struct {
	Distribution    *string               `json:"distribution,omitempty"`
	Infrastructure  *string               `json:"infrastructure,omitempty"`
	ArcAgentProfile *ArcAgentProfilePatch `json:"arcAgentProfile,omitempty"`
}

// ArcAgentProfilePatch changes the arcAgentProfile fields that are set; the hub keeps the
// others.
type ArcAgentProfilePatch struct {
	DesiredAgentVersion string `json:"desiredAgentVersion,omitempty"`
	AgentAutoUpgrade    string `json:"agentAutoUpgrade,omitempty"`
	// LogLevel, when not nil, is sent even when empty, which restores the agent's default.
	LogLevel *string `json:"logLevel,omitempty"`
}

// ClusterCreate is the body of a PUT: a new cluster, or one that replaces the cluster of
// the same ID.
type ClusterCreate struct {
	Location   string                  `json:"location"`
	Tags       map[string]string       `json:"tags,omitempty"`
	Identity   Identity                `json:"identity"`
	Properties ClusterCreateProperties `json:"properties"`
}

// ClusterCreateProperties are the properties a cluster is created with.
type ClusterCreateProperties struct {
	// AgentPublicKeyCertificate is the base64 PKIX public key of the agent's key; the agent
	// proves it holds the private half when it registers.
	AgentPublicKeyCertificate string `json:"agentPublicKeyCertificate"`
	Distribution              string `json:"distribution,omitempty"`
	Infrastructure            string `json:"infrastructure,omitempty"`
}

// ClusterPage is one page of a cluster listing.
type ClusterPage struct {
	Value    []Cluster `json:"value"`
	NextLink string    `json:"nextLink,omitempty"`
}
