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
	"net/http"
	"strings"

	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/policyinsights"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const (
	policyInsightsAPIVersion = "2024-10-01"
	policyStatesPath         = "/providers/Microsoft.PolicyInsights/policyStates/latest/queryResults"
	componentStatesPath      = "/providers/Microsoft.PolicyInsights/componentPolicyStates/latest/queryResults"
)

// policyStates reads the state of each policy assignment that applies to the cluster, through
// the API; none when the hub serves no policy.
func (p *Portal) policyStates(ctx context.Context, id string) ([]policyinsights.PolicyState, error) {
	var out policyinsights.PolicyStatesQueryResults
	err := p.call(ctx, http.MethodPost, id+policyStatesPath, policyInsightsAPIVersion, nil, &out)
	if notFound(err) {
		return nil, nil
	}
	return out.Value, err
}

// violations reads the cluster's objects that break a policy, through the API.
func (p *Portal) violations(ctx context.Context, id string) ([]policyinsights.ComponentPolicyState, error) {
	var out policyinsights.ComponentPolicyStatesQueryResults
	err := p.call(ctx, http.MethodPost, id+componentStatesPath, policyInsightsAPIVersion, nil, &out)
	if notFound(err) {
		return nil, nil
	}
	var bad []policyinsights.ComponentPolicyState
	for _, c := range out.Value {
		if c.ComplianceState == protocol.PolicyNonCompliant {
			bad = append(bad, c)
		}
	}
	return bad, err
}

// nonCompliant counts the policy assignments not compliant on the cluster.
func nonCompliant(states []policyinsights.PolicyState) int {
	n := 0
	for _, s := range states {
		if s.ComplianceState == protocol.PolicyNonCompliant {
			n++
		}
	}
	return n
}

// customLocations reads the first page of the subscription's custom locations that the
// caller may read, through the API, and keeps those the cluster hosts.
func (p *Portal) customLocations(ctx context.Context, ref clusterRef) ([]*customlocations.Document, error) {
	var out customlocations.List
	path := "/subscriptions/" + ref.Subscription + "/providers/" + customlocations.ResourceType
	err := p.call(ctx, http.MethodGet, path, customlocations.APIVersion, nil, &out)
	if notFound(err) || forbidden(err) {
		return nil, nil
	}
	var hosted []*customlocations.Document
	for _, d := range out.Value {
		if d.Properties != nil && strings.EqualFold(d.Properties.HostResourceID, ref.ID()) {
			hosted = append(hosted, d)
		}
	}
	return hosted, err
}
