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

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
)

// configurationPrefix is the path of the Microsoft.KubernetesConfiguration resources nested
// under a connectedCluster.
const configurationPrefix = clustersPath + "/{cluster}/providers/Microsoft.KubernetesConfiguration"

// nestedType is a resource type nested under a connectedCluster (extensions, and next
// fluxConfigurations). registerNested gives it ARM routes; its handlers get requests whose
// api-version, IDs and authorization are checked and whose cluster exists.
type nestedType interface {
	// segment is the type's path segment, e.g. "extensions"; resourceType its ARM type.
	segment() string
	resourceType() string
	// validateName checks a resource name; the error is answered as a 400.
	validateName(name string) error
	list(nr *nestedRequest) (int, any, error)
	get(nr *nestedRequest) (int, any, error)
	put(nr *nestedRequest) (int, any, error)
	patch(nr *nestedRequest) (int, any, error)
	delete(nr *nestedRequest) (int, any, error)
	// operation answers the status of a long-running operation, nr.PathValue("operation").
	operation(nr *nestedRequest) (int, any, error)
}

// nestedRequest is a checked request for a nested resource.
type nestedRequest struct {
	*http.Request
	// version is the request's api-version.
	version string
	// cluster is the parent connectedCluster; clusterRes its stored document.
	cluster    armid.ClusterID
	clusterRes *store.Resource
	// name is the nested resource's name; empty for a listing.
	name string
	// principal is the caller.
	principal auth.Principal
}

// clusterKey is the cluster's ARM ID as stored (case preserved as first written).
func (nr *nestedRequest) clusterKey() string { return nr.clusterRes.ID }

// registerNested adds the routes of a nested type to mux.
func (a *API) registerNested(mux *http.ServeMux, t nestedType) {
	base := configurationPrefix + "/" + t.segment()
	mux.HandleFunc("GET "+base, a.nested(t, auth.Read, "read", t.list))
	mux.HandleFunc("GET "+base+"/{name}", a.nested(t, auth.Read, "read", t.get))
	mux.HandleFunc("PUT "+base+"/{name}", a.nested(t, auth.Write, "write", t.put))
	mux.HandleFunc("PATCH "+base+"/{name}", a.nested(t, auth.Write, "write", t.patch))
	mux.HandleFunc("DELETE "+base+"/{name}", a.nested(t, auth.Write, "delete", t.delete))
	mux.HandleFunc("GET "+base+"/{name}/operations/{operation}", a.nested(t, auth.Read, "read", t.operation))
}

// nested checks a nested request and hands it to fn.
func (a *API) nested(t nestedType, action auth.Action, verb string, fn func(*nestedRequest) (int, any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		nr, err := a.nestedRequest(r, t, action, verb)
		if err != nil {
			return 0, nil, err
		}
		return fn(nr)
	})
}

func (a *API) nestedRequest(r *http.Request, t nestedType, action auth.Action, verb string) (*nestedRequest, error) {
	version, err := apiVersion(r, t.resourceType())
	if err != nil {
		return nil, err
	}
	id := armid.ClusterID{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"), Name: r.PathValue("cluster")}
	if err := id.Validate(); err != nil {
		return nil, badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
	}
	nr := &nestedRequest{Request: r, version: version, cluster: id, name: r.PathValue("name")}
	if nr.name != "" {
		if err := t.validateName(nr.name); err != nil {
			return nil, err
		}
	}
	if nr.principal, err = a.authorize(r, action, t.resourceType()+"/"+verb, id.String()); err != nil {
		return nil, err
	}
	nr.clusterRes, err = a.Store.GetResource(r.Context(), id.String())
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(typeConnectedClusters, id.String())
	}
	if err != nil {
		return nil, fmt.Errorf("reading cluster %s: %w", id, err)
	}
	return nr, nil
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
	return &withHeaders{header: h, body: body}
}

func conflict(format string, args ...any) error {
	return &armError{status: http.StatusConflict, code: codeConflict, message: fmt.Sprintf(format, args...)}
}
