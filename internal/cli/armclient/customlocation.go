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
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
)

// CustomLocationsAPIVersion is the api-version of Microsoft.ExtendedLocation/customLocations
// arcctl speaks, the one of armextendedlocation v1.2.0.
const CustomLocationsAPIVersion = "2021-08-15"

// deleteNamespaceProperty is the kubearc property of a custom location that makes deleting
// it delete its namespace too; the SDK's types do not have it.
const deleteNamespaceProperty = "deleteNamespaceOnDelete"

// customLocations is Microsoft.ExtendedLocation/customLocations.
func customLocations() armCollection[armextendedlocation.CustomLocation, armextendedlocation.CustomLocationListResult] {
	return armCollection[armextendedlocation.CustomLocation, armextendedlocation.CustomLocationListResult]{
		collection: "/providers/Microsoft.ExtendedLocation/customLocations", version: CustomLocationsAPIVersion, nouns: "custom locations",
		nextLink: func(page armextendedlocation.CustomLocationListResult) *string { return page.NextLink },
	}
}

// CustomLocationRef names one custom location.
type CustomLocationRef struct {
	Subscription  string
	ResourceGroup string
	Name          string
}

// scope is the resource group of the location.
func (r CustomLocationRef) scope() string {
	return "/subscriptions/" + r.Subscription + "/resourceGroups/" + r.ResourceGroup
}

// String is the location's ARM ID.
func (r CustomLocationRef) String() string {
	return r.scope() + customLocations().collection + "/" + r.Name
}

// GetCustomLocation returns a custom location.
func (c *Client) GetCustomLocation(ctx context.Context, ref CustomLocationRef) (*armextendedlocation.CustomLocation, error) {
	return customLocations().get(ctx, c, ref.scope(), ref.Name)
}

// CustomLocationFailure returns why the agent could not provision a custom location, the
// hub's provisioningError, which the SDK's types do not hold; "" when there is none.
func (c *Client) CustomLocationFailure(ctx context.Context, ref CustomLocationRef) (string, error) {
	req, err := customLocations().request(ctx, c, http.MethodGet, ref.scope(), ref.Name)
	if err != nil {
		return "", err
	}
	doc, err := receive[struct {
		Properties struct {
			ProvisioningError string `json:"provisioningError"`
		} `json:"properties"`
	}](c, req, "the hub's answer", http.StatusOK)
	if err != nil {
		return "", err
	}
	return doc.Properties.ProvisioningError, nil
}

// PutCustomLocation creates or replaces a custom location and returns the hub's first
// answer; the location is provisioned once its provisioningState is Succeeded.
func (c *Client) PutCustomLocation(ctx context.Context, ref CustomLocationRef, body armextendedlocation.CustomLocation) (*armextendedlocation.CustomLocation, error) {
	return customLocations().put(ctx, c, ref.scope(), ref.Name, body)
}

// PatchCustomLocation changes the tags, identity or properties of a custom location.
func (c *Client) PatchCustomLocation(ctx context.Context, ref CustomLocationRef, patch armextendedlocation.PatchableCustomLocations) (*armextendedlocation.CustomLocation, error) {
	return c.patchCustomLocation(ctx, ref, patch)
}

// patchCustomLocation sends any PATCH body to a custom location.
func (c *Client) patchCustomLocation(ctx context.Context, ref CustomLocationRef, patch any) (*armextendedlocation.CustomLocation, error) {
	req, err := customLocations().request(ctx, c, http.MethodPatch, ref.scope(), ref.Name)
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, patch); err != nil {
		return nil, fmt.Errorf("encoding the patch of %s: %w", ref.Name, err)
	}
	return receive[armextendedlocation.CustomLocation](c, req, "the hub's answer", http.StatusOK)
}

// DeleteCustomLocation deletes a custom location; deleteNamespace first sets the location's
// deleteNamespaceOnDelete, so that the agent deletes its namespace too. It reports false when
// there was no such location.
func (c *Client) DeleteCustomLocation(ctx context.Context, ref CustomLocationRef, deleteNamespace bool) (bool, error) {
	if deleteNamespace {
		patch := map[string]any{"properties": map[string]any{deleteNamespaceProperty: true}}
		if _, err := c.patchCustomLocation(ctx, ref, patch); err != nil {
			return false, fmt.Errorf("setting %s: %w", deleteNamespaceProperty, err)
		}
	}
	return customLocations().delete(ctx, c, ref.scope(), ref.Name)
}

// ListCustomLocations pages through the custom locations of a subscription, or of one
// resource group when resourceGroup is not empty.
func (c *Client) ListCustomLocations(subscription, resourceGroup string) *runtime.Pager[armextendedlocation.CustomLocationListResult] {
	scope := "/subscriptions/" + subscription
	if resourceGroup != "" {
		scope += "/resourceGroups/" + resourceGroup
	}
	return customLocations().list(c, scope)
}

// ListEnabledResourceTypes pages through the resource types a custom location's cluster
// extensions serve.
func (c *Client) ListEnabledResourceTypes(ref CustomLocationRef) *runtime.Pager[armextendedlocation.EnabledResourceTypesListResult] {
	next := func(page armextendedlocation.EnabledResourceTypesListResult) *string { return page.NextLink }
	return pagerOf(c, "enabled resource types", next, func(ctx context.Context) (*policy.Request, error) {
		path := customLocations().path(ref.scope(), ref.Name) + "/enabledResourceTypes"
		return c.newRequest(ctx, http.MethodGet, path, apiVersion(CustomLocationsAPIVersion))
	})
}
