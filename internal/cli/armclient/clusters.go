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
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/kubearc/kubearc/pkg/armid"
)

// ClustersAPIVersion is the api-version of Microsoft.Kubernetes/connectedClusters arcctl
// speaks.
const ClustersAPIVersion = "2024-01-01"

// clusterPath is the path of a cluster, with every name escaped.
func clusterPath(id armid.ClusterID) string {
	return "/subscriptions/" + url.PathEscape(id.Subscription) + "/resourceGroups/" + url.PathEscape(id.ResourceGroup) +
		"/providers/Microsoft.Kubernetes/connectedClusters/" + url.PathEscape(id.Name)
}

// GetCluster returns a cluster.
func (c *Client) GetCluster(ctx context.Context, id armid.ClusterID) (*Cluster, error) {
	req, err := c.newRequest(ctx, http.MethodGet, clusterPath(id), apiVersion(ClustersAPIVersion))
	if err != nil {
		return nil, err
	}
	return receive[Cluster](c, req, "the hub's answer", http.StatusOK)
}

// PatchCluster changes a cluster's tags and user-settable properties and returns the result.
func (c *Client) PatchCluster(ctx context.Context, id armid.ClusterID, patch ClusterPatch) (*Cluster, error) {
	req, err := c.newRequest(ctx, http.MethodPatch, clusterPath(id), apiVersion(ClustersAPIVersion))
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, patch); err != nil {
		return nil, fmt.Errorf("encoding the patch of %s: %w", id.Name, err)
	}
	return receive[Cluster](c, req, "the hub's answer", http.StatusOK)
}

// PutCluster creates or replaces a cluster and returns the result; created says whether the
// cluster is new.
func (c *Client) PutCluster(ctx context.Context, id armid.ClusterID, body ClusterCreate) (cluster *Cluster, created bool, err error) {
	req, err := c.newRequest(ctx, http.MethodPut, clusterPath(id), apiVersion(ClustersAPIVersion))
	if err != nil {
		return nil, false, err
	}
	if err := runtime.MarshalAsJSON(req, body); err != nil {
		return nil, false, fmt.Errorf("encoding the cluster %s: %w", id.Name, err)
	}
	resp, err := c.do(req, http.StatusOK, http.StatusCreated)
	if err != nil {
		return nil, false, err
	}
	if cluster, err = decodeAs[Cluster](resp, "the hub's answer"); err != nil {
		return nil, false, err
	}
	return cluster, resp.status == http.StatusCreated, nil
}

// DeleteCluster deletes a cluster. It reports false when there was no such cluster, which
// ARM treats as success.
func (c *Client) DeleteCluster(ctx context.Context, id armid.ClusterID) (bool, error) {
	req, err := c.newRequest(ctx, http.MethodDelete, clusterPath(id), apiVersion(ClustersAPIVersion))
	if err != nil {
		return false, err
	}
	return c.sendDelete(req)
}

// ListClusters pages through the clusters of a subscription, or of one resource group when
// resourceGroup is not empty, following the hub's nextLinks.
func (c *Client) ListClusters(subscription, resourceGroup string) *runtime.Pager[ClusterPage] {
	path := "/subscriptions/" + url.PathEscape(subscription)
	if resourceGroup != "" {
		path += "/resourceGroups/" + url.PathEscape(resourceGroup)
	}
	path += "/providers/Microsoft.Kubernetes/connectedClusters"
	return runtime.NewPager(runtime.PagingHandler[ClusterPage]{
		More: func(page ClusterPage) bool { return page.NextLink != "" },
		Fetcher: func(ctx context.Context, prev *ClusterPage) (ClusterPage, error) {
			req, err := c.pageRequest(ctx, path, prev)
			if err != nil {
				return ClusterPage{}, err
			}
			page, err := receive[ClusterPage](c, req, "a page of clusters", http.StatusOK)
			if err != nil {
				return ClusterPage{}, err
			}
			return *page, nil
		},
	})
}

// pageRequest requests the first page, or the nextLink of prev. A nextLink must point at the
// hub itself: the bearer token is never sent anywhere else.
func (c *Client) pageRequest(ctx context.Context, path string, prev *ClusterPage) (*policy.Request, error) {
	if prev == nil {
		return c.newRequest(ctx, http.MethodGet, path, apiVersion(ClustersAPIVersion))
	}
	next, err := url.Parse(prev.NextLink)
	if err != nil {
		return nil, fmt.Errorf("the hub answered an invalid nextLink %q: %w", prev.NextLink, err)
	}
	if next.Scheme != c.endpoint.Scheme || !strings.EqualFold(next.Host, c.endpoint.Host) {
		return nil, fmt.Errorf("the hub answered a nextLink for %s://%s, not %s; refusing to send the token there",
			next.Scheme, next.Host, c.endpoint.Host)
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, next.String())
	if err != nil {
		return nil, fmt.Errorf("building the request for %s: %w", next.Redacted(), err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	return req, nil
}
