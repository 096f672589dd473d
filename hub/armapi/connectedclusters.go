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

package armapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
)

// ARM operations, as named in authorization errors.
const (
	opReadCluster   = "Microsoft.Kubernetes/connectedClusters/read"
	opWriteCluster  = "Microsoft.Kubernetes/connectedClusters/write"
	opDeleteCluster = "Microsoft.Kubernetes/connectedClusters/delete"
)

// clusterID reads and validates the cluster ID of the request path.
func clusterID(r *http.Request) (armid.ClusterID, error) {
	id := armid.ClusterID{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"), Name: r.PathValue("name")}
	if err := id.Validate(); err != nil {
		return id, badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
	}
	return id, nil
}

// loadCluster returns the stored document of a cluster, its etag set, and the version it
// was read at; a 404 when there is none.
func (a *API) loadCluster(r *http.Request, id armid.ClusterID) (*connectedCluster, string, error) {
	res, err := a.Store.GetResource(r.Context(), id.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", notFound(typeConnectedClusters, id.String())
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading cluster %s: %w", id, err)
	}
	var c connectedCluster
	if err := json.Unmarshal(res.Body, &c); err != nil {
		return nil, "", fmt.Errorf("decoding stored cluster %s: %w", id, err)
	}
	c.ETag = nested.FormatETag(res.Version)
	return &c, res.Version, nil
}

func (a *API) getCluster(r *http.Request) (int, any, error) {
	version, id, err := a.clusterRequest(r, auth.Read, opReadCluster)
	if err != nil {
		return 0, nil, err
	}
	c, _, err := a.loadCluster(r, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tagged(a.render(c, version)), nil
}

// putCluster creates or replaces a cluster. The write is a compare-and-swap on the cluster
// as read (absent for a create), tried again when another writer got in between.
func (a *API) putCluster(r *http.Request) (int, any, error) {
	version, id, err := a.clusterRequest(r, auth.Write, opWriteCluster)
	if err != nil {
		return 0, nil, err
	}
	var in connectedCluster
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if err := validateCluster(&in); err != nil {
		return 0, nil, err
	}
	var c *connectedCluster
	var created bool
	err = retryCluster(id.Name, func() (err error) {
		c, created, err = a.putClusterOnce(r, in, id, version)
		return err
	})
	switch {
	case err != nil:
		return 0, nil, err
	case created:
		a.clusterCreated(r, c.ID)
		return http.StatusCreated, tagged(a.render(c, version)), nil
	}
	return http.StatusOK, tagged(a.render(c, version)), nil
}

// clusterCreated adds what the policy assignments that reach a new cluster need (Gatekeeper).
// The cluster is stored already, so a failure is logged, not answered.
func (a *API) clusterCreated(r *http.Request, id string) {
	if a.Policy == nil {
		return
	}
	p, _ := auth.PrincipalFrom(r.Context())
	if err := a.Policy.ClusterCreated(r.Context(), id, p.Name); err != nil {
		a.Log.Error("Adding Gatekeeper for the policy assignments of a new cluster failed", "cluster", id, "error", err)
	}
}

// putClusterOnce is one attempt of putCluster with the PUT body c.
func (a *API) putClusterOnce(r *http.Request, c connectedCluster, id armid.ClusterID, version string) (*connectedCluster, bool, error) {
	old, oldVersion, err := a.loadCluster(r, id)
	if err != nil && !isNotFound(err) {
		return nil, false, err
	}
	if err := matchOf(r).Check(old != nil, oldVersion); err != nil {
		return nil, false, err
	}
	if c.Identity != nil {
		identity := *c.Identity
		c.Identity = &identity
	}
	a.completeCluster(r, &c, old, id, version)
	oldKey := c.Properties.AgentPublicKeyCertificate
	if old != nil {
		oldKey = old.Properties.AgentPublicKeyCertificate
	}
	created, err := a.saveCluster(r, &c, oldKey, store.AsRead(oldVersion))
	return &c, created, err
}

// patchCluster changes a cluster. The write is a compare-and-swap on the cluster as read: a
// cluster deleted meanwhile answers 404 and is never brought back.
func (a *API) patchCluster(r *http.Request) (int, any, error) {
	version, id, err := a.clusterRequest(r, auth.Write, opWriteCluster)
	if err != nil {
		return 0, nil, err
	}
	var patch clusterPatch
	if err := decodeBody(r, &patch); err != nil {
		return 0, nil, err
	}
	var c *connectedCluster
	err = retryCluster(id.Name, func() (err error) {
		c, err = a.patchClusterOnce(r, &patch, id)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tagged(a.render(c, version)), nil
}

// patchClusterOnce is one attempt of patchCluster.
func (a *API) patchClusterOnce(r *http.Request, patch *clusterPatch, id armid.ClusterID) (*connectedCluster, error) {
	c, read, err := a.loadCluster(r, id)
	if err != nil {
		return nil, err
	}
	if err := matchOf(r).Check(true, read); err != nil {
		return nil, err
	}
	if err := applyPatch(c, patch); err != nil {
		return nil, err
	}
	a.touch(r, c)
	if _, err := a.saveCluster(r, c, c.Properties.AgentPublicKeyCertificate, store.IfVersion(read)); err != nil {
		return nil, err
	}
	return c, nil
}

// deleteCluster deletes a cluster and everything of it. Without If-Match it deletes whatever
// is stored; with it, only the version the header names.
func (a *API) deleteCluster(r *http.Request) (int, any, error) {
	_, id, err := a.clusterRequest(r, auth.Write, opDeleteCluster)
	if err != nil {
		return 0, nil, err
	}
	err = retryCluster(id.Name, func() error { return a.deleteClusterOnce(r, id) })
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNoContent, nil, nil // ARM: deleting what is not there succeeds
	case err != nil:
		return 0, nil, fmt.Errorf("deleting cluster %s: %w", id, err)
	}
	a.Tracker.Forget(id.String())
	return http.StatusOK, nil, nil
}

// clusterRequest checks the api-version, the path and the caller's right to act on it.
func (a *API) clusterRequest(r *http.Request, action auth.Action, operation string) (string, armid.ClusterID, error) {
	version, err := checkAPIVersion(r, typeConnectedClusters, clusterAPIVersions)
	if err != nil {
		return "", armid.ClusterID{}, err
	}
	id, err := clusterID(r)
	if err != nil {
		return "", id, err
	}
	_, err = a.authorize(r, action, operation, id.String())
	return version, id, err
}

// completeCluster sets what the hub owns on a PUT body: identity, system data, state.
func (a *API) completeCluster(r *http.Request, c, old *connectedCluster, id armid.ClusterID, version string) {
	c.ID, c.Name, c.Type = id.String(), id.Name, typeConnectedClusters
	props := *c.Properties
	c.Properties = &clusterProps{ // read-only properties come from the agent, never the client
		AgentPublicKeyCertificate: props.AgentPublicKeyCertificate,
		Distribution:              props.Distribution,
		DistributionVersion:       props.DistributionVersion,
		Infrastructure:            props.Infrastructure,
		ArcAgentProfile:           props.ArcAgentProfile,
		ProvisioningState:         "Succeeded",
	}
	c.SystemData = nil
	if old != nil {
		c.SystemData = old.SystemData
		if version == apiVersion2021 { // an old client cannot see, so must not erase, newer fields
			c.Kind, c.Properties.DistributionVersion, c.Properties.ArcAgentProfile = old.Kind, old.Properties.DistributionVersion, old.Properties.ArcAgentProfile
		}
	}
	c.Identity.PrincipalID, c.Identity.TenantID = "", ""
	if c.Identity.Type == "SystemAssigned" {
		c.Identity.PrincipalID, c.Identity.TenantID = uuid.NewString(), uuid.Nil.String()
		if old != nil && old.Identity.PrincipalID != "" {
			c.Identity.PrincipalID, c.Identity.TenantID = old.Identity.PrincipalID, old.Identity.TenantID
		}
	}
	a.touch(r, c)
}

// touch records who changed the resource and when.
func (a *API) touch(r *http.Request, c *connectedCluster) {
	p, _ := auth.PrincipalFrom(r.Context())
	now := a.now()
	if c.SystemData == nil {
		c.SystemData = &nested.SystemData{CreatedBy: p.Name, CreatedByType: "User", CreatedAt: now}
	}
	c.SystemData.LastModifiedBy, c.SystemData.LastModifiedByType, c.SystemData.LastModifiedAt = p.Name, "User", now
}

func applyPatch(c *connectedCluster, patch *clusterPatch) error {
	if patch.Tags != nil {
		if err := validateTags(patch.Tags); err != nil {
			return err
		}
		c.Tags = patch.Tags
	}
	if p := patch.Properties; p != nil {
		setIf(&c.Properties.Distribution, p.Distribution)
		setIf(&c.Properties.DistributionVersion, p.DistributionVersion)
		setIf(&c.Properties.Infrastructure, p.Infrastructure)
		if pp := p.ArcAgentProfile; pp != nil {
			if c.Properties.ArcAgentProfile == nil {
				c.Properties.ArcAgentProfile = &arcAgentProfile{}
			}
			setIf(&c.Properties.ArcAgentProfile.DesiredAgentVersion, pp.DesiredAgentVersion)
			setIf(&c.Properties.ArcAgentProfile.AgentAutoUpgrade, pp.AgentAutoUpgrade)
			setIf(&c.Properties.ArcAgentProfile.LogLevel, pp.LogLevel)
		}
	}
	return validateProperties(c.Properties)
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// saveCluster stores the cluster and the agent profile the agent pulls, if pre holds; oldKey
// is the agent key the cluster had before (extensions' protected settings are re-sealed
// when it changes, on the condition that they are unchanged meanwhile). It sets c's etag.
func (a *API) saveCluster(r *http.Request, c *connectedCluster, oldKey string, pre store.Precondition) (bool, error) {
	c.ETag = "" // the version is the store's, not part of the document
	body, err := json.Marshal(c)
	if err != nil {
		return false, err
	}
	id, _ := armid.ParseClusterID(c.ID)
	changes, pre, err := a.clusterChanges(r, c, oldKey, pre)
	if err != nil {
		return false, err
	}
	res := &store.Resource{ID: c.ID, Type: typeConnectedClusters, Subscription: id.Subscription, ResourceGroup: id.ResourceGroup, Body: body}
	created, err := a.Store.PutResource(r.Context(), res, pre, changes...)
	if err != nil {
		return false, fmt.Errorf("storing cluster %s: %w", c.ID, err)
	}
	c.ETag = nested.FormatETag(res.Version)
	return created, nil
}

// render merges what the agent reported into the stored document, for api-version v.
func (a *API) render(c *connectedCluster, v string) *connectedCluster {
	out := c.forVersion(v)
	rt, status := a.Tracker.Get(c.ID)
	p := out.Properties
	p.ConnectivityStatus = string(status)
	hb := rt.Heartbeat
	p.KubernetesVersion, p.AgentVersion = hb.KubernetesVersion, hb.AgentVersion
	if !rt.LastHeartbeat.IsZero() {
		p.TotalNodeCount, p.TotalCoreCount = &hb.NodeCount, &hb.CoreCount
		last := rt.LastHeartbeat.UTC()
		p.LastConnectivityTime = &last
	}
	if !rt.CertificateNotAfter.IsZero() {
		exp := rt.CertificateNotAfter.UTC()
		p.CertificateExpiration = &exp
	}
	if p.Distribution == "" {
		p.Distribution = hb.Distribution
	}
	if p.Infrastructure == "" {
		p.Infrastructure = hb.Infrastructure
	}
	return out
}

func (a *API) listClusters(r *http.Request) (int, any, error) {
	version, err := checkAPIVersion(r, typeConnectedClusters, clusterAPIVersions)
	if err != nil {
		return 0, nil, err
	}
	if err := validateScopePath(r); err != nil {
		return 0, nil, err
	}
	page, err := a.clusterPage(r, version)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, page, nil
}

// clusterPage lists the clusters the caller may read, one page at a time.
func (a *API) clusterPage(r *http.Request, version string) (*clusterList, error) {
	sub, rg := r.PathValue("sub"), r.PathValue("rg")
	scope := "/subscriptions/" + sub
	if rg != "" {
		scope += "/resourceGroups/" + rg
	}
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || (!p.Can(auth.Read, scope) && !auth.Covers(scope, p.Scope)) {
		return nil, forbidden(p.Name, opReadCluster, scope)
	}
	size := a.PageSize
	if size <= 0 {
		size = 100
	}
	list := &clusterList{Value: []*connectedCluster{}}
	after := r.URL.Query().Get("$skipToken")
	for {
		batch, err := a.Store.ListResources(r.Context(), store.ListQuery{Type: typeConnectedClusters,
			Subscription: sub, ResourceGroup: rg, After: after, Limit: size})
		if err != nil {
			return nil, fmt.Errorf("listing clusters in %s: %w", scope, err)
		}
		for _, res := range batch {
			after = res.ID
			if !p.Can(auth.Read, res.ID) {
				continue // a resource-group reader listing the subscription sees its group only
			}
			var c connectedCluster
			if err := json.Unmarshal(res.Body, &c); err != nil {
				return nil, fmt.Errorf("decoding stored cluster %s: %w", res.ID, err)
			}
			c.ETag = nested.FormatETag(res.Version)
			list.Value = append(list.Value, a.render(&c, version))
			if len(list.Value) == size {
				list.NextLink = nextLink(r, after)
				return list, nil
			}
		}
		if len(batch) < size {
			return list, nil
		}
	}
}

// nextLink is the URL of the page after the resource with ID after, with the request's query.
func nextLink(r *http.Request, after string) string {
	q := r.URL.Query()
	q.Set("$skipToken", strings.ToLower(after))
	return (&url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}).String()
}

func isNotFound(err error) bool {
	var ae *armError
	return errors.As(err, &ae) && ae.status == http.StatusNotFound
}
