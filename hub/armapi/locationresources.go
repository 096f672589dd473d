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
	"net/http"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/locationresources"
)

// locationResourcesPath is the route of any resource type: those that the catalog's extension
// types serve on custom locations (hub/locationresources). Routes of the hub's own types are
// more specific and win.
const locationResourcesPath = "/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}"

// subscriptionLocationResourcesPath is the listing of a type's resources in a subscription.
const subscriptionLocationResourcesPath = "/subscriptions/{sub}/providers/{namespace}/{type}"

// registerLocationResources adds the routes of resources on custom locations.
func (a *API) registerLocationResources(mux *http.ServeMux) {
	mux.HandleFunc("GET "+subscriptionLocationResourcesPath, a.locationResource(auth.Read, "read", a.listLocationResources))
	mux.HandleFunc("GET "+locationResourcesPath, a.locationResource(auth.Read, "read", a.listLocationResources))
	mux.HandleFunc("GET "+locationResourcesPath+"/{name}", a.locationResource(auth.Read, "read", a.getLocationResource))
	mux.HandleFunc("PUT "+locationResourcesPath+"/{name}", a.locationResource(auth.Write, "write", a.putLocationResource))
	mux.HandleFunc("DELETE "+locationResourcesPath+"/{name}", a.locationResource(auth.Write, "delete", a.deleteLocationResource))
}

// locationResource checks a request for a resource on a custom location (api-version, scope,
// the caller's right on the resource or, for a listing, its resource group) and hands it on.
func (a *API) locationResource(action auth.Action, verb string, fn func(*http.Request, locationresources.Request) (int, any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		req := locationresources.Request{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"),
			Namespace: r.PathValue("namespace"), Type: r.PathValue("type"), Name: r.PathValue("name")}
		if r.URL.Query().Get("api-version") == "" {
			return 0, nil, badRequest(codeMissingAPIVersion, "The api-version query parameter (?api-version=) is required for all requests.")
		}
		if err := validateScopePath(r); err != nil {
			return 0, nil, err
		}
		if req.Name == "" {
			return a.listScope(r, req, fn)
		}
		p, err := a.authorize(r, action, req.ARMType()+"/"+verb, req.ID())
		if err != nil {
			return 0, nil, err
		}
		req.By, req.CanWrite = p.Name, func(scope string) bool { return p.Can(auth.Write, scope) }
		return fn(r, req)
	})
}

// listScope checks a listing's scope, the resource group or the subscription (without
// ResourceGroup): the caller may read it, or some scope within it, whose resources alone it
// is shown (req.CanRead), as for the hub's own listings (listHosted).
func (a *API) listScope(r *http.Request, req locationresources.Request, fn func(*http.Request, locationresources.Request) (int, any, error)) (int, any, error) {
	scope := "/subscriptions/" + req.Subscription
	if req.ResourceGroup != "" {
		scope += "/resourceGroups/" + req.ResourceGroup
	}
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || (!p.Can(auth.Read, scope) && !auth.Covers(scope, p.Scope)) {
		return 0, nil, forbidden(p.Name, req.ARMType()+"/read", scope)
	}
	req.By = p.Name
	req.CanWrite = func(scope string) bool { return p.Can(auth.Write, scope) }
	return fn(r, req)
}

func (a *API) listLocationResources(r *http.Request, req locationresources.Request) (int, any, error) {
	docs, err := a.LocationResources.List(r.Context(), req)
	if err != nil {
		return 0, nil, err
	}
	p, _ := auth.PrincipalFrom(r.Context())
	docs = slices.DeleteFunc(docs, func(d *locationresources.Doc) bool { return !p.Can(auth.Read, d.ID) })
	items, next, err := policyPage(r, a.PageSize, docs, func(d *locationresources.Doc) string { return d.ID })
	return http.StatusOK, &locationresources.List{Value: items, NextLink: next}, err
}

func (a *API) getLocationResource(r *http.Request, req locationresources.Request) (int, any, error) {
	doc, err := a.LocationResources.Get(r.Context(), req)
	return http.StatusOK, doc, err
}

// putLocationResource answers 201 for a new resource, 200 for a replaced one, with its
// provisioningState: the Azure SDKs' pollers read it from the resource until it is terminal.
func (a *API) putLocationResource(r *http.Request, req locationresources.Request) (int, any, error) {
	var in locationresources.Input
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if err := validateLocation(in.Location); err != nil {
		return 0, nil, err
	}
	created, doc, err := a.LocationResources.Put(r.Context(), req, &in)
	if created {
		return http.StatusCreated, doc, err
	}
	return http.StatusOK, doc, err
}

// deleteLocationResource answers 200 once the CR is gone, 202 while it waits for an offline
// cluster, 204 when there was no resource. A resource deleted without its CR (which stays in
// the cluster) is 200 with a Warning header saying why and what to do.
func (a *API) deleteLocationResource(r *http.Request, req locationresources.Request) (int, any, error) {
	done, warning, err := a.LocationResources.Delete(r.Context(), req)
	switch done {
	case locationresources.Deleted:
		return http.StatusOK, nil, err
	case locationresources.Forgotten:
		return http.StatusOK, &withHeaders{header: http.Header{"Warning": {warningHeader(warning)}}}, err
	case locationresources.DeletePending:
		return http.StatusAccepted, nil, err
	}
	return http.StatusNoContent, nil, err
}

// warningHeader is a Warning header (RFC 9111 5.5, as the Kubernetes API server sends them)
// of message, a miscellaneous persistent warning (299).
func warningHeader(message string) string {
	return `299 kubearc-hub "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ").Replace(message) + `"`
}
