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
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Resource is an ARM resource of any type, as 'az resource' handles it: the envelope is
// typed, the properties are kept as the hub sent them. Raw keeps the hub's document, which
// MarshalJSON returns unchanged.
type Resource struct {
	ID               string            `json:"id,omitempty"`
	Name             string            `json:"name,omitempty"`
	Type             string            `json:"type,omitempty"`
	Location         string            `json:"location,omitempty"`
	ExtendedLocation *ExtendedLocation `json:"extendedLocation,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Properties       json.RawMessage   `json:"properties,omitempty"`
	SystemData       *SystemData       `json:"systemData,omitempty"`
	// Raw is the hub's JSON document.
	Raw json.RawMessage `json:"-"`
}

// ExtendedLocation places a resource on a custom location.
type ExtendedLocation struct {
	// Type is "CustomLocation".
	Type string `json:"type"`
	// Name is the custom location's ID.
	Name string `json:"name"`
}

// ExtendedLocationCustomLocation is the extendedLocation type of a custom location.
const ExtendedLocationCustomLocation = "CustomLocation"

// ResourceState is what the properties of a resource say of its provisioning.
type ResourceState struct {
	ProvisioningState string `json:"provisioningState,omitempty"`
	// Status is what the resource's operator reported, as the hub maps it.
	Status json.RawMessage `json:"status,omitempty"`
	// ProvisioningError says why a Failed resource failed.
	ProvisioningError string `json:"provisioningError,omitempty"`
}

// UnmarshalJSON decodes the typed fields and keeps the document in Raw.
func (r *Resource) UnmarshalJSON(data []byte) error {
	type plain Resource
	return unmarshalKeeping(data, (*plain)(r), &r.Raw)
}

// MarshalJSON returns the hub's document, or the typed fields of a resource arcctl built.
func (r Resource) MarshalJSON() ([]byte, error) {
	type plain Resource
	return marshalKept(plain(r), r.Raw)
}

// State reads provisioningState and status from the properties; empty when there are none.
func (r *Resource) State() ResourceState {
	var s ResourceState
	_ = json.Unmarshal(r.Properties, &s)
	return s
}

// ResourcePage is a page of a list of resources.
type ResourcePage struct {
	Value    []*Resource `json:"value"`
	NextLink *string     `json:"nextLink,omitempty"`
}

// GetResource returns the resource of an ID at an api-version.
func (c *Client) GetResource(ctx context.Context, id, version string) (*Resource, error) {
	req, err := c.newRequest(ctx, http.MethodGet, scopePath(id), apiVersion(version))
	if err != nil {
		return nil, err
	}
	return receive[Resource](c, req, "the hub's answer", http.StatusOK)
}

// PutResource creates or replaces the resource of an ID and returns the hub's answer;
// created says whether it is new.
func (c *Client) PutResource(ctx context.Context, id, version string, body Resource) (res *Resource, created bool, err error) {
	req, err := c.newRequest(ctx, http.MethodPut, scopePath(id), apiVersion(version))
	if err != nil {
		return nil, false, err
	}
	body.Raw = nil
	if err := runtime.MarshalAsJSON(req, body); err != nil {
		return nil, false, fmt.Errorf("encoding %s: %w", id, err)
	}
	resp, err := c.do(req, http.StatusOK, http.StatusCreated, http.StatusAccepted)
	if err != nil {
		return nil, false, err
	}
	if len(resp.body) == 0 {
		return nil, resp.status != http.StatusOK, nil
	}
	res, err = decodeAs[Resource](resp, "the hub's answer")
	return res, resp.status != http.StatusOK, err
}

// DeleteResource deletes the resource of an ID. It reports false when there was none, which
// ARM treats as success.
func (c *Client) DeleteResource(ctx context.Context, id, version string) (bool, error) {
	req, err := c.newRequest(ctx, http.MethodDelete, scopePath(id), apiVersion(version))
	if err != nil {
		return false, err
	}
	return c.sendDelete(req)
}

// ListResources pages through the resources of a collection (a scope followed by
// /providers/Namespace/type) at an api-version.
func (c *Client) ListResources(collection, version string) *runtime.Pager[ResourcePage] {
	return pagerOf(c, "resources", func(p ResourcePage) *string { return p.NextLink }, func(ctx context.Context) (*policy.Request, error) {
		return c.newRequest(ctx, http.MethodGet, scopePath(collection), apiVersion(version))
	})
}
