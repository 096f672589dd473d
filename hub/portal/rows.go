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

package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
	"github.com/kubearc/kubearc/pkg/armid"
)

// clusterDoc is what the portal reads of the API's connectedCluster document.
type clusterDoc struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Location   string `json:"location"`
	Properties struct {
		ConnectivityStatus    string     `json:"connectivityStatus"`
		KubernetesVersion     string     `json:"kubernetesVersion"`
		Distribution          string     `json:"distribution"`
		Infrastructure        string     `json:"infrastructure"`
		AgentVersion          string     `json:"agentVersion"`
		ProvisioningState     string     `json:"provisioningState"`
		TotalNodeCount        *int       `json:"totalNodeCount"`
		TotalCoreCount        *int       `json:"totalCoreCount"`
		LastConnectivityTime  *time.Time `json:"lastConnectivityTime"`
		CertificateExpiration *time.Time `json:"certificateExpiration"`
		ArcAgentProfile       *struct {
			DesiredAgentVersion string `json:"desiredAgentVersion"`
			AgentAutoUpgrade    string `json:"agentAutoUpgrade"`
		} `json:"arcAgentProfile"`
	} `json:"properties"`
}

// clusterRow is one line of the fleet view.
type clusterRow struct {
	Ref        clusterRef
	Doc        clusterDoc
	Upgrade    string
	Compliance compliance
}

// compliance sums up what runs on a cluster.
type compliance struct {
	ExtSucceeded, ExtFailed, ExtPending int
	FluxCompliant, FluxNonCompliant     int
	FluxPending                         int
	PolicyNonCompliant                  int
}

// row reads one cluster and what runs on it through the API.
func (p *Portal) row(ctx context.Context, id, latest string) (clusterRow, error) {
	var row clusterRow
	if err := p.call(ctx, http.MethodGet, id, clusterAPIVersion, nil, &row.Doc); err != nil {
		return row, err
	}
	parsed, err := armid.ParseClusterID(id)
	if err != nil {
		return row, fmt.Errorf("stored cluster ID %s: %w", id, err)
	}
	row.Ref = refOf(parsed)
	row.Upgrade = upgrade(row.Doc.Properties.AgentVersion, latest)
	exts, flux, err := p.children(ctx, id)
	if err != nil {
		return row, err
	}
	row.Compliance = summarize(exts, flux)
	states, err := p.policyStates(ctx, id)
	row.Compliance.PolicyNonCompliant = nonCompliant(states)
	return row, err
}

// children lists a cluster's extensions and flux configurations through the API.
func (p *Portal) children(ctx context.Context, id string) (*extensions.List, *gitops.List, error) {
	var exts extensions.List
	var flux gitops.List
	base := id + "/providers/Microsoft.KubernetesConfiguration/"
	if err := p.call(ctx, http.MethodGet, base+"extensions", extensions.APIVersion, nil, &exts); err != nil {
		return nil, nil, err
	}
	if err := p.call(ctx, http.MethodGet, base+"fluxConfigurations", gitops.APIVersion, nil, &flux); err != nil {
		return nil, nil, err
	}
	return &exts, &flux, nil
}

func summarize(exts *extensions.List, flux *gitops.List) compliance {
	var c compliance
	for _, e := range exts.Value {
		switch e.Properties.ProvisioningState {
		case "Succeeded":
			c.ExtSucceeded++
		case "Failed":
			c.ExtFailed++
		default:
			c.ExtPending++
		}
	}
	for _, f := range flux.Value {
		switch f.Properties.ComplianceState {
		case "Compliant":
			c.FluxCompliant++
		case "Non-Compliant":
			c.FluxNonCompliant++
		default:
			c.FluxPending++
		}
	}
	return c
}

// clusterRef names a cluster in the portal's URLs.
type clusterRef struct {
	Subscription, Group, Name string
}

// clusterRoute is the cluster page's route pattern.
const clusterRoute = "/portal/clusters/{sub}/{group}/{name}"

func refOf(id armid.ClusterID) clusterRef {
	return clusterRef{Subscription: id.Subscription, Group: id.ResourceGroup, Name: id.Name}
}

func refFrom(r *http.Request) clusterRef {
	return clusterRef{Subscription: r.PathValue("sub"), Group: r.PathValue("group"), Name: r.PathValue("name")}
}

// ID is the cluster's ARM ID.
func (c clusterRef) ID() string {
	return armid.ClusterID{Subscription: c.Subscription, ResourceGroup: c.Group, Name: c.Name}.String()
}

// validate checks the names by the API's own rules, so that a name cannot change the API
// path it goes into.
func (c clusterRef) validate() error {
	return armid.ClusterID{Subscription: c.Subscription, ResourceGroup: c.Group, Name: c.Name}.Validate()
}

// apiPath is the cluster's ARM ID with each name path-escaped: the path of a request to the
// API.
func (c clusterRef) apiPath() string {
	return armid.ClusterID{Subscription: url.PathEscape(c.Subscription), ResourceGroup: url.PathEscape(c.Group),
		Name: url.PathEscape(c.Name)}.String()
}

// Path is the cluster's portal page.
func (c clusterRef) Path() string {
	return "/portal/clusters/" + url.PathEscape(c.Subscription) + "/" + url.PathEscape(c.Group) + "/" + url.PathEscape(c.Name)
}
