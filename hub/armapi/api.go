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

// Package armapi is the hub's management API: the Azure Resource Manager REST shapes of
// Microsoft.Kubernetes/connectedClusters (api-versions 2021-10-01 and 2024-01-01), so that
// clients generated from the public REST specs, the Azure SDKs and arcctl work against the hub,
// plus the hub's own token API.
package armapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/diagnostics"
	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/policy"
	"github.com/kubearc/kubearc/hub/policyinsights"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/workspaces"
)

const clustersPath = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Kubernetes/connectedClusters"

// API serves the management API. Requests must already be authenticated (auth.Authenticator).
type API struct {
	Store   store.Store
	Tracker *connectivity.Tracker
	Log     *slog.Logger
	// Now is the clock; tests inject one.
	Now func() time.Time
	// PageSize is the number of resources per page of a listing (default 100).
	PageSize int
	// HubCAPEM is the hub's CA certificate, for the kubeconfigs of listClusterUserCredential.
	HubCAPEM []byte
	// Kinds are the nested kinds served under a cluster (extensions, fluxConfigurations, …);
	// nil serves none.
	Kinds *nested.Registry
	// Catalog is the catalog of extension types and agent versions; nil serves no catalog
	// and gives agent profiles without a target version.
	Catalog *catalog.Catalog
	// PolicyInsights answers Microsoft.PolicyInsights; nil serves none.
	PolicyInsights *policyinsights.Service
	// LocationResources keeps the resources on custom locations; nil serves none.
	LocationResources *locationresources.Service
	// Policy keeps policy definitions and assignments and pushes them to clusters; nil serves
	// no policy.
	Policy *policy.Service
	// Diagnostics keeps the agents' logs and usage, served under /kubearc/v1; nil serves
	// none.
	Diagnostics *diagnostics.Service
	// StreamWriteTimeout bounds each write of a log stream, so that a client that stops
	// reading does not hold it (default 30s).
	StreamWriteTimeout time.Duration
	// CustomLocations is the registered kind of custom locations, whose enabled resource
	// types are listed from Catalog; nil serves no such listing.
	CustomLocations *customlocations.Service
	// SyncRules keeps the custom locations' resource sync rules; nil serves none.
	SyncRules *customlocations.SyncRules
	// Workspaces keeps the monitoring workspaces; nil serves none.
	Workspaces *workspaces.Service
}

// Handler returns the API's routes. Bodies over the size limit are answered 413 before a
// route runs; RejectUncleanPaths belongs in front of it.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /subscriptions/{sub}/providers/Microsoft.Kubernetes/connectedClusters", a.handle(a.listClusters))
	mux.HandleFunc("GET "+clustersPath, a.handle(a.listClusters))
	mux.HandleFunc("GET "+clustersPath+"/{name}", a.handle(a.getCluster))
	mux.HandleFunc("PUT "+clustersPath+"/{name}", a.handle(a.putCluster))
	mux.HandleFunc("PATCH "+clustersPath+"/{name}", a.handle(a.patchCluster))
	mux.HandleFunc("DELETE "+clustersPath+"/{name}", a.handle(a.deleteCluster))
	mux.HandleFunc("POST "+clustersPath+"/{name}/listClusterUserCredential", a.handle(a.listClusterUserCredential))
	mux.HandleFunc("POST /kubearc/v1/tokens", a.handle(a.createToken))
	mux.HandleFunc("GET /kubearc/v1/tokens", a.handle(a.listTokens))
	mux.HandleFunc("DELETE /kubearc/v1/tokens/{id}", a.handle(a.revokeToken))
	mux.HandleFunc("GET /kubearc/v1/whoami", a.handle(a.whoami))
	canonical := newCanonicalizer()
	for _, k := range a.Kinds.Kinds() {
		a.registerNested(mux, k)
		canonical.add(k.Names().ResourceType)
	}
	if a.Catalog != nil {
		a.registerCatalog(mux)
		a.registerExtensionTypes(mux)
		canonical.add(typeExtensionTypes, "versions", "locations")
	}
	if a.CustomLocations != nil {
		a.registerCustomLocations(mux, a.CustomLocations)
		canonical.add("enabledResourceTypes", "listEnabledResourceTypes")
	}
	if a.SyncRules != nil {
		a.registerSyncRules(mux, a.SyncRules)
		canonical.add("resourceSyncRules", "findTargetResourceGroup")
	}
	if a.Workspaces != nil {
		a.registerWorkspaces(mux)
		canonical.add(workspaces.ResourceType)
	}
	if a.Policy != nil {
		a.registerPolicy(mux)
		canonical.add(policy.DefinitionType, policy.AssignmentType)
	}
	a.registerPolicyInsights(mux, canonical)
	if a.LocationResources != nil {
		a.registerLocationResources(mux)
	}
	if a.Diagnostics != nil {
		a.registerDiagnostics(mux)
		canonical.add("logs", "usage", "connectivityChecks")
	}
	providers := a.providers()
	a.registerProviderOperations(mux, providers)
	a.registerClusterOperations(mux, configurationKinds(a.Kinds))
	canonical.add("Microsoft.ExtendedLocation", "Microsoft.Authorization", namespaceInsights, namespaceConfiguration)
	mux.HandleFunc("/", a.fallback(mux, providers))
	return limitBody(a.Log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = canonical.path(r.URL.Path)
		r.URL.RawPath = ""
		mux.ServeHTTP(w, r)
	}))
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// handle adapts a handler that returns its answer (status, JSON body or nil, error), so that
// errors are answered in one place.
func (a *API) handle(fn func(*http.Request) (int, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := fn(r)
		if wh, ok := body.(*withHeaders); ok {
			for k, v := range wh.header {
				w.Header()[k] = v
			}
			body = wh.body
		}
		switch {
		case err != nil:
			writeError(w, a.Log, err)
		case body == nil:
			w.WriteHeader(status)
		default:
			writeJSON(w, status, body)
		}
	}
}

// authorize returns the request's principal when it may perform action at scope.
func (a *API) authorize(r *http.Request, action auth.Action, operation, scope string) (auth.Principal, error) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || !p.Can(action, scope) {
		return p, forbidden(p.Name, operation, scope)
	}
	return p, nil
}
