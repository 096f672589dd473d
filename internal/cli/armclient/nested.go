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

	"github.com/kubearc/kubearc/pkg/armid"
)

// ExtensionsAPIVersion is the api-version of Microsoft.KubernetesConfiguration/extensions
// arcctl speaks, the one of armkubernetesconfiguration/v2.
const ExtensionsAPIVersion = "2023-05-01"

// nested describes a kind of Microsoft.KubernetesConfiguration resource nested under a
// cluster (extensions, fluxConfigurations) whose protected settings arcctl never shows.
type nested[T any] struct {
	collection string   // the path segment of the collection, e.g. "extensions"
	noun       string   // one resource in messages, e.g. "extension"
	nouns      string   // several in messages, e.g. "extensions"
	scrub      func(*T) // drops the protected settings of an answer
}

// collectionPath is the path of a cluster's collection of this kind.
func (n nested[T]) collectionPath(cluster armid.ClusterID) string {
	return clusterPath(cluster) + "/providers/Microsoft.KubernetesConfiguration/" + n.collection
}

// path is the path of one resource, with every name escaped.
func (n nested[T]) path(cluster armid.ClusterID, name string) string {
	return n.collectionPath(cluster) + "/" + url.PathEscape(name)
}

// get returns one resource of a cluster.
func (n nested[T]) get(ctx context.Context, c *Client, cluster armid.ClusterID, name string) (*T, error) {
	req, err := c.newRequest(ctx, http.MethodGet, n.path(cluster, name), apiVersion(ExtensionsAPIVersion))
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return n.decode(resp)
}

// send PUTs or PATCHes body to one resource and returns the hub's answer when its status is
// one of ok.
func (n nested[T]) send(ctx context.Context, c *Client, method string, cluster armid.ClusterID, name string, body any, ok ...int) (*answer, error) {
	req, err := c.newRequest(ctx, method, n.path(cluster, name), apiVersion(ExtensionsAPIVersion))
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, body); err != nil {
		return nil, fmt.Errorf("encoding the %s %s: %w", n.noun, name, err)
	}
	return c.do(req, ok...)
}

// patch PATCHes a change to one resource and returns the hub's answer, or nil when the hub
// accepted the change without a body (202).
func (n nested[T]) patch(ctx context.Context, c *Client, cluster armid.ClusterID, name string, change any) (*T, error) {
	resp, err := n.send(ctx, c, http.MethodPatch, cluster, name, change, http.StatusOK, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	return n.decodeAny(resp)
}

// decodeAny decodes an answer, or returns nil when the hub answered without a body (202).
func (n nested[T]) decodeAny(resp *answer) (*T, error) {
	if len(resp.body) == 0 {
		return nil, nil
	}
	return n.decode(resp)
}

// decode decodes an answer and drops its protected settings.
func (n nested[T]) decode(resp *answer) (*T, error) {
	v, err := decodeAs[T](resp, "the hub's answer")
	if err != nil {
		return nil, err
	}
	n.scrub(v)
	return v, nil
}

// delete asks the hub to delete one resource; force removes it from the hub without waiting
// for the agent (?forceDelete=true). It reports false when there was no such resource, which
// ARM treats as success.
func (n nested[T]) delete(ctx context.Context, c *Client, cluster armid.ClusterID, name string, force bool) (bool, error) {
	query := apiVersion(ExtensionsAPIVersion)
	if force {
		query.Set("forceDelete", "true")
	}
	req, err := c.newRequest(ctx, http.MethodDelete, n.path(cluster, name), query)
	if err != nil {
		return false, err
	}
	return c.sendDelete(req)
}

// listNested pages through the resources of kind n of a cluster, following the hub's
// nextLinks; page returns the resources and the nextLink of a page.
func listNested[L, T any](c *Client, n nested[T], cluster armid.ClusterID, page func(L) ([]*T, *string)) *runtime.Pager[L] {
	return runtime.NewPager(runtime.PagingHandler[L]{
		More: func(current L) bool {
			_, next := page(current)
			return next != nil && *next != ""
		},
		Fetcher: func(ctx context.Context, prev *L) (L, error) {
			var none L
			req, err := nestedPageRequest(ctx, c, n, cluster, prev, page)
			if err != nil {
				return none, err
			}
			current, err := receive[L](c, req, "a page of "+n.nouns, http.StatusOK)
			if err != nil {
				return none, err
			}
			items, _ := page(*current)
			for _, item := range items {
				n.scrub(item)
			}
			return *current, nil
		},
	})
}

// nestedPageRequest requests the first page, or the nextLink of prev, which pageRequest
// checks points at the hub.
func nestedPageRequest[L, T any](ctx context.Context, c *Client, n nested[T], cluster armid.ClusterID, prev *L, page func(L) ([]*T, *string)) (*policy.Request, error) {
	if prev == nil {
		return c.newRequest(ctx, http.MethodGet, n.collectionPath(cluster), apiVersion(ExtensionsAPIVersion))
	}
	_, next := page(*prev)
	return c.pageRequest(ctx, "", &ClusterPage{NextLink: *next})
}
