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
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// armCollection is a kind of ARM resource that lives below a scope (policy definitions and
// assignments): resources of type T, listed in pages of type L, at one api-version.
type armCollection[T, L any] struct {
	collection string // the collection's path below a scope, e.g. /providers/Microsoft.Authorization/policyAssignments
	version    string
	nouns      string // the resources in messages, e.g. "policy assignments"
	nextLink   func(L) *string
}

// path is the path of the collection at scope, or of its resource name when name is set.
func (k armCollection[T, L]) path(scope, name string) string {
	path := scopePath(scope) + k.collection
	if name != "" {
		path += "/" + url.PathEscape(name)
	}
	return path
}

// request builds a request of the collection's api-version for one resource, or for the
// collection when name is empty.
func (k armCollection[T, L]) request(ctx context.Context, c *Client, method, scope, name string) (*policy.Request, error) {
	return c.newRequest(ctx, method, k.path(scope, name), apiVersion(k.version))
}

// get returns one resource.
func (k armCollection[T, L]) get(ctx context.Context, c *Client, scope, name string) (*T, error) {
	req, err := k.request(ctx, c, http.MethodGet, scope, name)
	if err != nil {
		return nil, err
	}
	return receive[T](c, req, "the hub's answer", http.StatusOK)
}

// put creates or replaces one resource and returns the hub's answer.
func (k armCollection[T, L]) put(ctx context.Context, c *Client, scope, name string, body T) (*T, error) {
	req, err := k.request(ctx, c, http.MethodPut, scope, name)
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, body); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", name, err)
	}
	return receive[T](c, req, "the hub's answer", http.StatusOK, http.StatusCreated)
}

// delete deletes one resource and reports whether there was one.
func (k armCollection[T, L]) delete(ctx context.Context, c *Client, scope, name string) (bool, error) {
	req, err := k.request(ctx, c, http.MethodDelete, scope, name)
	if err != nil {
		return false, err
	}
	return c.sendDelete(req)
}

// list pages through the collection at scope.
func (k armCollection[T, L]) list(c *Client, scope string) *runtime.Pager[L] {
	return pagerOf(c, k.nouns, k.nextLink, func(ctx context.Context) (*policy.Request, error) {
		return k.request(ctx, c, http.MethodGet, scope, "")
	})
}

// pagerOf pages through a list: first requests its first page, then the nextLink of each page
// is followed, once checked to point at the hub; nouns names the items in errors.
func pagerOf[L any](c *Client, nouns string, nextLink func(L) *string, first func(context.Context) (*policy.Request, error)) *runtime.Pager[L] {
	return runtime.NewPager(runtime.PagingHandler[L]{
		More: func(page L) bool {
			next := nextLink(page)
			return next != nil && *next != ""
		},
		Fetcher: func(ctx context.Context, prev *L) (L, error) {
			var none L
			req, err := nextPageRequest(ctx, c, prev, nextLink, first)
			if err != nil {
				return none, err
			}
			page, err := receive[L](c, req, "a page of "+nouns, http.StatusOK)
			if err != nil {
				return none, err
			}
			return *page, nil
		},
	})
}

// nextPageRequest requests the first page, or the nextLink of prev, which pageRequest checks
// points at the hub.
func nextPageRequest[L any](ctx context.Context, c *Client, prev *L, nextLink func(L) *string, first func(context.Context) (*policy.Request, error)) (*policy.Request, error) {
	if prev == nil {
		return first(ctx)
	}
	return c.pageRequest(ctx, "", &ClusterPage{NextLink: *nextLink(*prev)})
}
