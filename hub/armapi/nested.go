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
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
)

// nestedRequest is a checked request for a resource of a registered kind: its api-version,
// IDs and authorization are checked and, for a kind nested under a cluster, its cluster
// exists.
type nestedRequest struct {
	*http.Request
	kind nested.Served
	// version is the request's api-version.
	version string
	// sub and rg are the resource's subscription and resource group.
	sub, rg string
	// req is what the kind needs of the request; req.Name is empty for a listing.
	req nested.Request
}

// clusterKey is the parent cluster's ARM ID as stored (case preserved as first written); ""
// for a resource group's resource.
func (nr *nestedRequest) clusterKey() string {
	if nr.req.Cluster == nil {
		return ""
	}
	return nr.req.Cluster.ID
}

// id is the ARM ID of the requested resource.
func (nr *nestedRequest) id() string { return nr.kind.Names().ID(nr.req.Parent, nr.req.Name) }

// decode reads the request body.
func (nr *nestedRequest) decode(v any) error { return decodeBody(nr.Request, v) }

// registerNested adds the routes of a registered kind to mux: under its cluster's providers,
// or a resource group's (registerHosted).
func (a *API) registerNested(mux *http.ServeMux, k nested.Served) {
	if k.Names().InResourceGroup {
		a.registerHosted(mux, k)
		return
	}
	base := clustersPath + "/{cluster}/providers/" + k.Names().ResourceType
	mux.HandleFunc("GET "+base, a.nested(k, auth.Read, "read", a.listNested))
	a.registerResource(mux, base+"/{name}", k, a.nestedRequest)
}

// checker checks a request for a resource of a kind.
type checker func(r *http.Request, k nested.Served, action auth.Action, verb string) (*nestedRequest, error)

// registerResource adds the routes of one resource of kind k at path, checked by check.
func (a *API) registerResource(mux *http.ServeMux, path string, k nested.Served, check checker) {
	route := func(action auth.Action, verb string, fn func(*nestedRequest) (int, any, error)) http.HandlerFunc {
		return a.checked(k, check, action, verb, fn)
	}
	mux.HandleFunc("GET "+path, route(auth.Read, "read", a.getNested))
	mux.HandleFunc("PUT "+path, route(auth.Write, "write", a.putNested))
	mux.HandleFunc("PATCH "+path, route(auth.Write, "write", a.patchNested))
	mux.HandleFunc("DELETE "+path, route(auth.Write, "delete", a.deleteNested))
	mux.HandleFunc("GET "+path+"/operations/{operation}", route(auth.Read, "read", a.nestedOperation))
}

// nested checks a request for a resource of kind k nested under a cluster and hands it to fn.
func (a *API) nested(k nested.Served, action auth.Action, verb string, fn func(*nestedRequest) (int, any, error)) http.HandlerFunc {
	return a.checked(k, a.nestedRequest, action, verb, fn)
}

// checked checks a request for a resource of kind k with check and hands it to fn.
func (a *API) checked(k nested.Served, check checker, action auth.Action, verb string, fn func(*nestedRequest) (int, any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		nr, err := check(r, k, action, verb)
		if err != nil {
			return 0, nil, err
		}
		return fn(nr)
	})
}

func (a *API) nestedRequest(r *http.Request, k nested.Served, action auth.Action, verb string) (*nestedRequest, error) {
	names := k.Names()
	version, err := checkAPIVersion(r, names.ResourceType, names.APIVersions)
	if err != nil {
		return nil, err
	}
	id := armid.ClusterID{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"), Name: r.PathValue("cluster")}
	if err := id.Validate(); err != nil {
		return nil, badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
	}
	nr := &nestedRequest{Request: r, kind: k, version: version, sub: id.Subscription, rg: id.ResourceGroup,
		req: nested.Request{Name: r.PathValue("name"), Match: matchOf(r)}}
	if nr.req.Name != "" {
		if err := k.ValidateName(nr.req.Name); err != nil {
			return nil, err
		}
	}
	p, err := a.authorize(r, action, names.ResourceType+"/"+verb, id.String())
	if err != nil {
		return nil, err
	}
	nr.req.By = p.Name
	nr.req.MayUse = a.mayUseWorkspace(r)
	nr.req.Cluster, err = a.Store.GetResource(r.Context(), id.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(typeConnectedClusters, id.String())
	}
	if err != nil {
		return nil, fmt.Errorf("reading cluster %s: %w", id, err)
	}
	nr.req.Parent = nr.req.Cluster.ID
	return nr, nil
}

// listNested answers the hub's resources of the cluster, then those applied in the cluster.
func (a *API) listNested(nr *nestedRequest) (int, any, error) {
	page, err := nr.kind.ListPage(nr.Context(), nr.clusterKey())
	return http.StatusOK, page, err
}

func (a *API) getNested(nr *nestedRequest) (int, any, error) {
	doc, err := nr.kind.Get(nr.Context(), nr.req)
	return http.StatusOK, tagged(doc), err
}

// putNested creates or replaces a resource: 201 or 200 with provisioningState Creating or
// Updating and an Azure-AsyncOperation header.
func (a *API) putNested(nr *nestedRequest) (int, any, error) {
	created, doc, err := nr.kind.Put(nr.Context(), nr.req, nr.decode)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return a.writeOperation(nr, status, doc)
}

// patchNested changes a resource: 202 with provisioningState Updating; a resource group's
// resource answers 200 at once, as its SDKs' synchronous Update expects.
func (a *API) patchNested(nr *nestedRequest) (int, any, error) {
	doc, err := nr.kind.Patch(nr.Context(), nr.req, nr.decode)
	switch {
	case err != nil:
		return 0, nil, err
	case nr.kind.Names().InResourceGroup:
		return http.StatusOK, tagged(doc), nil
	}
	return a.writeOperation(nr, http.StatusAccepted, doc)
}

// writeOperation starts a write operation and answers doc with its status URL.
func (a *API) writeOperation(nr *nestedRequest, status int, doc any) (int, any, error) {
	opID, err := a.startOperation(nr, opWrite)
	if err != nil {
		return 0, nil, err
	}
	return status, asyncOperation(nr, opID, doc), nil
}

// deleteNested marks the resource Deleting, so the agent removes it: 202 with an operation;
// 200 with forceDelete=true, which removes it at once; 204 when there is none.
func (a *API) deleteNested(nr *nestedRequest) (int, any, error) {
	force, _ := strconv.ParseBool(nr.URL.Query().Get("forceDelete"))
	switch done, err := nr.kind.Delete(nr.Context(), nr.req, force); {
	case err != nil:
		return 0, nil, err
	case done == nested.Absent:
		return http.StatusNoContent, nil, nil
	case done == nested.Removed:
		return http.StatusOK, nil, nil
	}
	opID, err := a.startOperation(nr, opDelete)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, asyncOperation(nr, opID, nil), nil
}

// withHeaders is an answer with extra headers (long-running operations); handle writes them.
type withHeaders struct {
	header http.Header
	body   any
}

// asyncOperation returns an answer whose Azure-AsyncOperation header points at the
// operation-status URL of operation opID on the nested resource of nr.
func asyncOperation(nr *nestedRequest, opID string, body any) *withHeaders {
	q := url.Values{}
	q.Set("api-version", nr.version)
	u := &url.URL{Scheme: "https", Host: nr.Host, Path: nr.URL.Path + "/operations/" + opID, RawQuery: q.Encode()}
	h := http.Header{}
	h.Set("Azure-AsyncOperation", u.String())
	if t, ok := tagged(body).(*withHeaders); ok {
		h.Set("ETag", t.header.Get("ETag"))
	}
	return &withHeaders{header: h, body: body}
}
