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
	"fmt"
	"net/http"
	"strings"
)

// Error codes of requests the hub has no route for.
const (
	codeNotSupported          = "NotSupported"
	codeInvalidResourceType   = "InvalidResourceType"
	codeNoRegisteredProvider  = "NoRegisteredProviderFound"
	codeMethodNotAllowed      = "MethodNotAllowed"
	compatibilityDoc          = "docs/azure-compatibility.md"
	notSupportedMessageFormat = "The resource type '%s' is not supported by the hub: %s See " + compatibilityDoc + " for what it serves."
)

// unsupportedTypes are the resource types of the Azure SDKs the hub knows and does not serve,
// with the reason a user is told.
var unsupportedTypes = map[string]string{
	namespaceConfiguration + "/sourceControlConfigurations": "it does not run Flux v1; create a Flux v2 configuration " +
		"(Microsoft.KubernetesConfiguration/fluxConfigurations, arcctl k8s-configuration flux create) instead.",
	namespaceConfiguration + "/privateLinkScopes":  "agents reach the hub at its own address, without Azure Private Link.",
	namespaceKubernetes + "/provisionedClusters":   "it connects existing clusters only.",
	namespaceInsights + "/remediations":            "it reports compliance; Gatekeeper enforces policies in the cluster instead.",
	namespaceInsights + "/policyEvents":            "it keeps the latest policy states only (policyStates), no event history.",
	namespaceInsights + "/policyTrackedResources":  "it keeps no tracked resources.",
	namespaceInsights + "/policyMetadata":          "it has no policy metadata.",
	namespaceInsights + "/attestations":            "it has no attestations.",
	namespaceInsights + "/checkPolicyRestrictions": "it has no policy restrictions to check.",
	"Microsoft.Authorization/policySetDefinitions": "it serves single policy definitions only (policyDefinitions).",
	"Microsoft.Authorization/policyExemptions":     "it has no policy exemptions.",
}

// armTarget is what an ARM path addresses under its last providers segment.
type armTarget struct {
	// namespace and typ are the provider namespace and its first resource type ("" when absent).
	namespace, typ string
	// parent is the resource type under the previous providers segment, e.g.
	// Microsoft.Kubernetes/connectedClusters; "" when there is none.
	parent string
}

// resourceType is the addressed type, e.g. Microsoft.KubernetesConfiguration/extensions.
func (t armTarget) resourceType() string { return t.namespace + "/" + t.typ }

// parseARMPath reads an ARM path (/subscriptions/… or /providers/…), whose segments alternate
// keyword and name, except that "providers" is followed by a namespace; false for another path.
func parseARMPath(p string) (armTarget, bool) {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if !strings.EqualFold(parts[0], "subscriptions") && !strings.EqualFold(parts[0], "providers") {
		return armTarget{}, false
	}
	var t armTarget
	for i := 0; i < len(parts); i += 2 {
		switch {
		case strings.EqualFold(parts[i], "providers") && i+1 < len(parts):
			if t.typ != "" {
				t.parent = t.resourceType()
			}
			t.namespace, t.typ = parts[i+1], ""
		case t.namespace != "" && t.typ == "":
			t.typ = parts[i]
		}
	}
	return t, true
}

// fallback answers a request no route took: ARM error JSON that names what is not served
// and why, never a bare "no route". mux is probed for the methods the path has routes for.
func (a *API) fallback(mux *http.ServeMux, ps providers) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		t, ok := parseARMPath(r.URL.Path)
		if !ok {
			return 0, nil, &armError{status: http.StatusNotFound, code: "NotFound",
				message: "No route matches " + r.Method + " " + r.URL.Path + "."}
		}
		if err := unsupported(t); err != nil {
			return 0, nil, err
		}
		if allowed := allowedMethods(mux, r); len(allowed) > 0 {
			return 0, &withHeaders{header: http.Header{"Allow": {strings.Join(allowed, ", ")}}}, &armError{
				status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed, message: fmt.Sprintf(
					"The hub does not serve %s on '%s'; it serves %s there.", r.Method, r.URL.Path, strings.Join(allowed, ", "))}
		}
		return 0, nil, unserved(r, ps, t)
	})
}

// unsupported is the error for a target of unsupportedTypes, nil for another.
func unsupported(t armTarget) error {
	for typ, reason := range unsupportedTypes {
		if strings.EqualFold(typ, t.resourceType()) {
			return badRequest(codeNotSupported, notSupportedMessageFormat, typ, reason)
		}
	}
	return nil
}

// unserved is the error for an ARM path of target t that no route serves.
func unserved(r *http.Request, ps providers, t armTarget) error {
	p := ps.get(t.namespace)
	switch {
	case t.namespace == "":
		return &armError{status: http.StatusNotFound, code: "NotFound", message: fmt.Sprintf("The hub does not serve '%s': it serves "+
			"the resource providers %s, not Azure Resource Manager's own subscriptions, resource groups and deployments. See "+
			compatibilityDoc+".", r.URL.Path, ps.names())}
	case p == nil:
		return badRequest(codeNoRegisteredProvider, "No registered resource provider found for namespace '%s'. The hub serves the "+
			"namespaces %s. See "+compatibilityDoc+".", t.namespace, ps.names())
	case t.typ == "" || !p.hasType(t.typ):
		return badRequest(codeInvalidResourceType, "The resource type '%s' could not be found in the namespace '%s'. The hub serves "+
			"its types %s. See "+compatibilityDoc+".", t.typ, p.namespace, strings.Join(p.types, ", "))
	case t.parent != "" && !strings.EqualFold(t.parent, namespaceKubernetes+"/connectedClusters"):
		return badRequest(codeNotSupported, "The hub serves '%s' on Microsoft.Kubernetes/connectedClusters only, not on '%s'.",
			t.resourceType(), t.parent)
	}
	return badRequest(codeNotSupported, "The hub serves the resource type '%s', but not %s '%s'. See "+compatibilityDoc+" for its routes.",
		t.resourceType(), r.Method, r.URL.Path)
}

// probedMethods are the methods of ARM routes.
var probedMethods = []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost}

// allowedMethods are the methods mux has a route for at the request's path, other than the
// fallback's.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range probedMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}
