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

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/nested"
)

// Routes of a resource group's resources and of their listings.
const (
	resourceGroupPath = "/subscriptions/{sub}/resourceGroups/{rg}"
	subscriptionPath  = "/subscriptions/{sub}"
)

// registerHosted adds the routes of a kind of resource-group resources hosted by a cluster
// (nested.Hosted): the resource under its group's providers, and listings by resource group
// and by subscription.
func (a *API) registerHosted(mux *http.ServeMux, k nested.Served) {
	typ := "/providers/" + k.Names().ResourceType
	mux.HandleFunc("GET "+subscriptionPath+typ, a.handle(a.listHosted(k)))
	mux.HandleFunc("GET "+resourceGroupPath+typ, a.handle(a.listHosted(k)))
	a.registerResource(mux, resourceGroupPath+typ+"/{name}", k, a.hostedRequest)
}

// hostedRequest checks a request for a resource group's resource of kind k: the caller may
// act on it, and on the cluster it names as its host when it writes it (Request.MayWrite).
func (a *API) hostedRequest(r *http.Request, k nested.Served, action auth.Action, verb string) (*nestedRequest, error) {
	names := k.Names()
	version, err := checkAPIVersion(r, names.ResourceType, names.APIVersions)
	if err != nil {
		return nil, err
	}
	if err := validateScopePath(r); err != nil {
		return nil, err
	}
	if err := k.ValidateName(r.PathValue("name")); err != nil {
		return nil, err
	}
	sub, rg := r.PathValue("sub"), r.PathValue("rg")
	nr := &nestedRequest{Request: r, kind: k, version: version, sub: sub, rg: rg, req: nested.Request{
		Parent: resourceGroupID(r), Name: r.PathValue("name"), Match: matchOf(r),
		MayWrite: func(scope string) error {
			_, err := a.authorize(r, auth.Write, typeConnectedClusters+"/write", scope)
			return err
		}}}
	p, err := a.authorize(r, action, names.ResourceType+"/"+verb, nr.id())
	nr.req.By = p.Name
	return nr, err
}

// listHosted lists the resources of kind k in a subscription or a resource group that the
// caller may read, one page at a time.
func (a *API) listHosted(k nested.Served) func(*http.Request) (int, any, error) {
	return func(r *http.Request) (int, any, error) {
		names := k.Names()
		if _, err := checkAPIVersion(r, names.ResourceType, names.APIVersions); err != nil {
			return 0, nil, err
		}
		if err := validateScopePath(r); err != nil {
			return 0, nil, err
		}
		sc := nested.Scope{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"),
			After: r.URL.Query().Get("$skipToken"), Limit: a.PageSize}
		scope := "/subscriptions/" + sc.Subscription
		if sc.ResourceGroup != "" {
			scope += "/resourceGroups/" + sc.ResourceGroup
		}
		p, ok := auth.PrincipalFrom(r.Context())
		if !ok || (!p.Can(auth.Read, scope) && !auth.Covers(scope, p.Scope)) {
			return 0, nil, forbidden(p.Name, names.ResourceType+"/read", scope)
		}
		sc.Visible = func(id string) bool { return p.Can(auth.Read, id) }
		page, last, err := k.ListIn(r.Context(), sc)
		if p, ok := page.(interface{ SetNextLink(string) }); ok && last != "" {
			p.SetNextLink(nextLink(r, last))
		}
		return http.StatusOK, page, err
	}
}
