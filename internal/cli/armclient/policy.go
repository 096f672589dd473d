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
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"
)

// PolicyAPIVersion is the api-version of Microsoft.Authorization/policyDefinitions and
// policyAssignments arcctl speaks, the one of armpolicy v1.0.0.
const PolicyAPIVersion = "2025-03-01"

// authorizationProvider is the provider segment of policy definitions and assignments.
const authorizationProvider = "/providers/Microsoft.Authorization"

// scopePath is the path of an ARM scope (a subscription, resource group or resource ID) with
// every segment escaped; "" is the root, where built-in definitions live.
func scopePath(scope string) string {
	scope = strings.Trim(scope, "/")
	if scope == "" {
		return ""
	}
	parts := strings.Split(scope, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/" + strings.Join(parts, "/")
}

// subscriptionScope is the scope of a subscription, or "" (the root) when subscription is empty.
func subscriptionScope(subscription string) string {
	if subscription == "" {
		return ""
	}
	return "/subscriptions/" + subscription
}

// policyDefinitions is Microsoft.Authorization/policyDefinitions.
func policyDefinitions() armCollection[armpolicy.Definition, armpolicy.DefinitionListResult] {
	return armCollection[armpolicy.Definition, armpolicy.DefinitionListResult]{
		collection: authorizationProvider + "/policyDefinitions", version: PolicyAPIVersion, nouns: "policy definitions",
		nextLink: func(page armpolicy.DefinitionListResult) *string { return page.NextLink },
	}
}

// policyAssignments is Microsoft.Authorization/policyAssignments.
func policyAssignments() armCollection[armpolicy.Assignment, armpolicy.AssignmentListResult] {
	return armCollection[armpolicy.Assignment, armpolicy.AssignmentListResult]{
		collection: authorizationProvider + "/policyAssignments", version: PolicyAPIVersion, nouns: "policy assignments",
		nextLink: func(page armpolicy.AssignmentListResult) *string { return page.NextLink },
	}
}

// GetPolicyDefinition returns a custom policy definition of a subscription, or the built-in
// definition of that name when subscription is empty.
func (c *Client) GetPolicyDefinition(ctx context.Context, subscription, name string) (*armpolicy.Definition, error) {
	return policyDefinitions().get(ctx, c, subscriptionScope(subscription), name)
}

// PutPolicyDefinition creates or replaces a custom policy definition of a subscription.
func (c *Client) PutPolicyDefinition(ctx context.Context, subscription, name string, body armpolicy.Definition) (*armpolicy.Definition, error) {
	return policyDefinitions().put(ctx, c, subscriptionScope(subscription), name, body)
}

// DeletePolicyDefinition deletes a custom policy definition of a subscription. It reports
// false when there was no such definition, which ARM treats as success.
func (c *Client) DeletePolicyDefinition(ctx context.Context, subscription, name string) (bool, error) {
	return policyDefinitions().delete(ctx, c, subscriptionScope(subscription), name)
}

// ListPolicyDefinitions pages through the policy definitions of a subscription, or through
// the built-in ones when subscription is empty.
func (c *Client) ListPolicyDefinitions(subscription string) *runtime.Pager[armpolicy.DefinitionListResult] {
	return policyDefinitions().list(c, subscriptionScope(subscription))
}

// GetPolicyAssignment returns the policy assignment of a name at a scope (a subscription,
// resource group or cluster ID).
func (c *Client) GetPolicyAssignment(ctx context.Context, scope, name string) (*armpolicy.Assignment, error) {
	return policyAssignments().get(ctx, c, scope, name)
}

// PutPolicyAssignment creates or replaces a policy assignment at a scope.
func (c *Client) PutPolicyAssignment(ctx context.Context, scope, name string, body armpolicy.Assignment) (*armpolicy.Assignment, error) {
	return policyAssignments().put(ctx, c, scope, name, body)
}

// DeletePolicyAssignment deletes a policy assignment at a scope. It reports false when there
// was no such assignment, which ARM treats as success.
func (c *Client) DeletePolicyAssignment(ctx context.Context, scope, name string) (bool, error) {
	return policyAssignments().delete(ctx, c, scope, name)
}

// ListPolicyAssignments pages through the policy assignments the hub lists at a scope: those
// of the scope, of the scopes that contain it and of the scopes within it, as ARM lists them
// without a $filter.
func (c *Client) ListPolicyAssignments(scope string) *runtime.Pager[armpolicy.AssignmentListResult] {
	return policyAssignments().list(c, scope)
}
