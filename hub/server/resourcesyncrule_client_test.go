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

package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// armextendedlocation v1.2.0 (api-version 2021-08-15) has no ResourceSyncRulesClient nor
// FindTargetResourceGroup: they were in v1.2.0-beta.1 (api-version 2021-08-31-preview),
// which the module proxy no longer serves. ruleClient sends what that generated client sent,
// through the same azcore ARM pipeline and LRO poller (final state via
// Azure-AsyncOperation).
type ruleClient struct {
	pipeline runtime.Pipeline
	endpoint string
}

// ruleAPI is the api-version of the generated client.
const ruleAPI = "2021-08-31-preview"

// syncRule is armextendedlocation's ResourceSyncRule.
type syncRule struct {
	ID         *string            `json:"id,omitempty"`
	Name       *string            `json:"name,omitempty"`
	Type       *string            `json:"type,omitempty"`
	Location   *string            `json:"location,omitempty"`
	Tags       map[string]*string `json:"tags,omitempty"`
	Properties *syncRuleProps     `json:"properties,omitempty"`
	SystemData *struct {
		CreatedBy     *string `json:"createdBy"`
		CreatedByType *string `json:"createdByType"`
	} `json:"systemData,omitempty"`
}

// syncRuleProps is armextendedlocation's ResourceSyncRuleProperties.
type syncRuleProps struct {
	Priority            *int32        `json:"priority,omitempty"`
	Selector            *ruleSelector `json:"selector,omitempty"`
	TargetResourceGroup *string       `json:"targetResourceGroup,omitempty"`
	ProvisioningState   *string       `json:"provisioningState,omitempty"`
}

// ruleSelector is armextendedlocation's ResourceSyncRulePropertiesSelector.
type ruleSelector struct {
	MatchLabels      map[string]*string `json:"matchLabels,omitempty"`
	MatchExpressions []*matchExpression `json:"matchExpressions,omitempty"`
}

type matchExpression struct {
	Key      *string   `json:"key,omitempty"`
	Operator *string   `json:"operator,omitempty"`
	Values   []*string `json:"values,omitempty"`
}

// findTargetResult is armextendedlocation's CustomLocationFindTargetResourceGroupResult.
type findTargetResult struct {
	MatchingResourceSyncRule *string `json:"matchingResourceSyncRule"`
	TargetResourceGroup      *string `json:"targetResourceGroup"`
}

// newRuleClient is the client of subscription sub as token, pointed at the hub.
func newRuleClient(th *testHub, token string) *ruleClient {
	th.t.Helper()
	cl, err := arm.NewClient("armextendedlocation", "v1.2.0-beta.1", staticToken(token), th.sdkOptions())
	if err != nil {
		th.t.Fatal(err)
	}
	return &ruleClient{pipeline: cl.Pipeline(), endpoint: cl.Endpoint()}
}

// do sends a request of the generated client; an answer of another status is its
// *azcore.ResponseError.
func (c *ruleClient) do(ctx context.Context, method, path string, body any, statuses ...int) (*http.Response, error) {
	req, err := runtime.NewRequest(ctx, method, runtime.JoinPaths(c.endpoint, path))
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("api-version", ruleAPI)
	req.Raw().URL.RawQuery = q.Encode()
	req.Raw().Header["Accept"] = []string{"application/json"}
	if body != nil {
		if err := runtime.MarshalAsJSON(req, body); err != nil {
			return nil, err
		}
	}
	resp, err := c.pipeline.Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, statuses...) {
		return nil, runtime.NewResponseError(resp)
	}
	return resp, nil
}

// rulePath is the path of rule of the custom location in group.
func rulePath(group, location, rule string) string {
	return strings.TrimSuffix(locationPath(group, location)+"/resourceSyncRules/"+rule, "/")
}

// beginCreateOrUpdate is ResourceSyncRulesClient.BeginCreateOrUpdate.
func (c *ruleClient) beginCreateOrUpdate(ctx context.Context, group, location, name string, rule syncRule) (*runtime.Poller[syncRule], error) {
	return c.begin(ctx, http.MethodPut, rulePath(group, location, name), rule, http.StatusOK, http.StatusCreated)
}

// beginUpdate is ResourceSyncRulesClient.BeginUpdate.
func (c *ruleClient) beginUpdate(ctx context.Context, group, location, name string, patch syncRule) (*runtime.Poller[syncRule], error) {
	return c.begin(ctx, http.MethodPatch, rulePath(group, location, name), patch, http.StatusOK)
}

func (c *ruleClient) begin(ctx context.Context, method, path string, body any, statuses ...int) (*runtime.Poller[syncRule], error) {
	resp, err := c.do(ctx, method, path, body, statuses...) //nolint:bodyclose // the poller reads and keeps the answer
	if err != nil {
		return nil, err
	}
	return runtime.NewPoller(resp, c.pipeline, &runtime.NewPollerOptions[syncRule]{FinalStateVia: runtime.FinalStateViaAzureAsyncOp})
}

// get is ResourceSyncRulesClient.Get.
func (c *ruleClient) get(ctx context.Context, group, location, name string) (syncRule, error) {
	var rule syncRule
	resp, err := c.do(ctx, http.MethodGet, rulePath(group, location, name), nil, http.StatusOK)
	if err != nil {
		return rule, err
	}
	defer func() { _ = resp.Body.Close() }()
	err = runtime.UnmarshalAsJSON(resp, &rule)
	return rule, err
}

// list is the first page of ResourceSyncRulesClient.NewListByCustomLocationIDPager.
func (c *ruleClient) list(ctx context.Context, group, location string) ([]*syncRule, error) {
	var page struct {
		Value []*syncRule `json:"value"`
	}
	resp, err := c.do(ctx, http.MethodGet, rulePath(group, location, ""), nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	err = runtime.UnmarshalAsJSON(resp, &page)
	return page.Value, err
}

// delete is ResourceSyncRulesClient.Delete.
func (c *ruleClient) delete(ctx context.Context, group, location, name string) (int, error) {
	resp, err := c.do(ctx, http.MethodDelete, rulePath(group, location, name), nil, http.StatusOK, http.StatusNoContent)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	return resp.StatusCode, nil
}

// findTarget is CustomLocationsClient.FindTargetResourceGroup; a 204 leaves the result empty.
func (c *ruleClient) findTarget(ctx context.Context, group, location string, labels map[string]*string) (findTargetResult, error) {
	var out findTargetResult
	resp, err := c.do(ctx, http.MethodPost, locationPath(group, location)+"/findTargetResourceGroup",
		map[string]any{"labels": labels}, http.StatusOK, http.StatusNoContent)
	if err != nil {
		return out, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusOK {
		err = runtime.UnmarshalAsJSON(resp, &out)
	}
	return out, err
}
