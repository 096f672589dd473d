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

package armapi

import (
	"time"

	"github.com/kubearc/kubearc/hub/nested"
)

// ARM types served by this package.
const (
	typeConnectedClusters = "Microsoft.Kubernetes/connectedClusters"
	apiVersion2021        = "2021-10-01"
)

// connectedCluster is the ARM document of a Microsoft.Kubernetes/connectedClusters resource,
// a superset of the supported api-versions; render trims it to the request's version.
type connectedCluster struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Type       string             `json:"type"`
	ETag       string             `json:"etag,omitempty"`
	Location   string             `json:"location"`
	Tags       map[string]string  `json:"tags,omitempty"`
	Identity   *clusterIdentity   `json:"identity"`
	Kind       string             `json:"kind,omitempty"`
	SystemData *nested.SystemData `json:"systemData,omitempty"`
	Properties *clusterProps      `json:"properties"`
}

type clusterIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	TenantID    string `json:"tenantId,omitempty"`
}

type clusterProps struct {
	AgentPublicKeyCertificate string           `json:"agentPublicKeyCertificate"`
	KubernetesVersion         string           `json:"kubernetesVersion,omitempty"`
	TotalNodeCount            *int32           `json:"totalNodeCount,omitempty"`
	TotalCoreCount            *int32           `json:"totalCoreCount,omitempty"`
	AgentVersion              string           `json:"agentVersion,omitempty"`
	ProvisioningState         string           `json:"provisioningState,omitempty"`
	Distribution              string           `json:"distribution,omitempty"`
	DistributionVersion       string           `json:"distributionVersion,omitempty"`
	Infrastructure            string           `json:"infrastructure,omitempty"`
	Offering                  string           `json:"offering,omitempty"`
	CertificateExpiration     *time.Time       `json:"managedIdentityCertificateExpirationTime,omitempty"`
	LastConnectivityTime      *time.Time       `json:"lastConnectivityTime,omitempty"`
	ConnectivityStatus        string           `json:"connectivityStatus,omitempty"`
	ArcAgentProfile           *arcAgentProfile `json:"arcAgentProfile,omitempty"`
}

type arcAgentProfile struct {
	DesiredAgentVersion string `json:"desiredAgentVersion,omitempty"`
	AgentAutoUpgrade    string `json:"agentAutoUpgrade,omitempty"`
	// LogLevel (a kubearc addition) is the least severe level of the log lines the agent
	// ships; empty means the agent's --shipped-log-level.
	LogLevel string `json:"logLevel,omitempty"`
}

// clusterPatch is the body of a PATCH: tags and the user-settable properties.
type clusterPatch struct {
	Tags       map[string]string `json:"tags"`
	Properties *struct {
		Distribution        *string       `json:"distribution"`
		DistributionVersion *string       `json:"distributionVersion"`
		Infrastructure      *string       `json:"infrastructure"`
		ArcAgentProfile     *profilePatch `json:"arcAgentProfile"`
	} `json:"properties"`
}

// profilePatch changes only the arcAgentProfile fields it names.
type profilePatch struct {
	DesiredAgentVersion *string `json:"desiredAgentVersion"`
	AgentAutoUpgrade    *string `json:"agentAutoUpgrade"`
	LogLevel            *string `json:"logLevel"`
}

// clusterList is a page of a listing.
type clusterList struct {
	Value    []*connectedCluster `json:"value"`
	NextLink string              `json:"nextLink,omitempty"`
}

// forVersion returns a copy of c with only the fields api-version v knows.
func (c connectedCluster) forVersion(v string) *connectedCluster {
	props := *c.Properties
	if v == apiVersion2021 {
		c.Kind = ""
		props.DistributionVersion = ""
		props.ArcAgentProfile = nil
	}
	c.Properties = &props
	return &c
}
