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
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"
)

// PolicyInsightsAPIVersion is the api-version of Microsoft.PolicyInsights arcctl speaks, the
// one of armpolicyinsights v0.9.0.
const PolicyInsightsAPIVersion = "2024-10-01"

// policyStatesPath is the path of an action (queryResults, summarize, triggerEvaluation) on
// the latest policy states at a scope.
func policyStatesPath(scope, action string) string {
	return scopePath(scope) + "/providers/Microsoft.PolicyInsights/policyStates/latest/" + action
}

// PolicyStatesQuery narrows a query of policy states, as OData $filter and $top.
type PolicyStatesQuery struct {
	// Filter is an OData filter, e.g. "complianceState eq 'NonCompliant'".
	Filter string
	// Top is how many records to return at most; 0 returns all.
	Top int32
}

// values is the query string of q.
func (q PolicyStatesQuery) values() url.Values {
	v := apiVersion(PolicyInsightsAPIVersion)
	if q.Filter != "" {
		v.Set("$filter", q.Filter)
	}
	if q.Top > 0 {
		v.Set("$top", strconv.Itoa(int(q.Top)))
	}
	return v
}

// ListPolicyStates pages through the latest policy states at a scope: a subscription,
// resource group, cluster or policy assignment ID. The first page is a POST, as ARM has it;
// the next ones follow @odata.nextLink with GET, as the Azure SDK for Go does.
func (c *Client) ListPolicyStates(scope string, q PolicyStatesQuery) *runtime.Pager[armpolicyinsights.PolicyStatesQueryResults] {
	return pagerOf(c, "policy states", func(page armpolicyinsights.PolicyStatesQueryResults) *string { return page.ODataNextLink },
		func(ctx context.Context) (*policy.Request, error) {
			return c.newRequest(ctx, http.MethodPost, policyStatesPath(scope, "queryResults"), q.values())
		})
}

// SummarizePolicyStates summarizes the latest policy states at a scope.
func (c *Client) SummarizePolicyStates(ctx context.Context, scope string, q PolicyStatesQuery) (*armpolicyinsights.SummarizeResults, error) {
	req, err := c.newRequest(ctx, http.MethodPost, policyStatesPath(scope, "summarize"), q.values())
	if err != nil {
		return nil, err
	}
	return receive[armpolicyinsights.SummarizeResults](c, req, "the summary of policy states", http.StatusOK)
}
