// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package armapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/policy"
)

// Routes of Microsoft.Authorization policy definitions and assignments (hub/policy).
const (
	builtinDefinitionsPath = "/providers/" + policy.DefinitionType
	definitionsPath        = "/subscriptions/{sub}" + builtinDefinitionsPath
	assignmentsSegment     = "/providers/" + policy.AssignmentType
)

// assignmentScopes are the routes of the scopes assignments are made at.
var assignmentScopes = []string{"/subscriptions/{sub}", "/subscriptions/{sub}/resourceGroups/{rg}", clustersPath + "/{cluster}"}

// registerPolicy adds the routes of policy definitions (built-in and of a subscription) and of
// policy assignments at every scope.
func (a *API) registerPolicy(mux *http.ServeMux) {
	mux.HandleFunc("GET "+builtinDefinitionsPath, a.handle(a.listBuiltinDefinitions))
	mux.HandleFunc("GET "+builtinDefinitionsPath+"/{name}", a.handle(a.getBuiltinDefinition))
	mux.HandleFunc("GET "+definitionsPath, a.policy(policy.DefinitionType, auth.Read, "read", a.listDefinitions))
	mux.HandleFunc("GET "+definitionsPath+"/{name}", a.policy(policy.DefinitionType, auth.Read, "read", a.getDefinition))
	mux.HandleFunc("PUT "+definitionsPath+"/{name}", a.policy(policy.DefinitionType, auth.Write, "write", a.putDefinition))
	mux.HandleFunc("DELETE "+definitionsPath+"/{name}", a.policy(policy.DefinitionType, auth.Write, "delete", a.deleteDefinition))
	for _, scope := range assignmentScopes {
		base := scope + assignmentsSegment
		mux.HandleFunc("GET "+base, a.policy(policy.AssignmentType, auth.Read, "read", a.listAssignments))
		mux.HandleFunc("GET "+base+"/{name}", a.policy(policy.AssignmentType, auth.Read, "read", a.getAssignment))
		mux.HandleFunc("PUT "+base+"/{name}", a.policy(policy.AssignmentType, auth.Write, "write", a.putAssignment))
		mux.HandleFunc("DELETE "+base+"/{name}", a.policy(policy.AssignmentType, auth.Write, "delete", a.deleteAssignment))
	}
}

// policyRequest is a checked request for policy definitions or assignments.
type policyRequest struct {
	*http.Request
	req       policy.Request
	principal auth.Principal
}

// policy checks a request for a resource of resourceType (api-version, scope, the caller's
// right to act at the scope) and hands it to fn.
func (a *API) policy(resourceType string, action auth.Action, verb string, fn func(*policyRequest) (int, any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		if _, err := checkAPIVersion(r, resourceType, policy.APIVersions); err != nil {
			return 0, nil, err
		}
		sc := policy.Scope{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"), Cluster: r.PathValue("cluster")}
		if err := sc.Validate(); err != nil {
			return 0, nil, badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
		}
		p, ok := auth.PrincipalFrom(r.Context())
		allowed := ok && p.Can(action, sc.ID())
		if action == auth.Read {
			allowed = ok && sees(p, sc.ID())
		}
		if !allowed {
			return 0, nil, forbidden(p.Name, resourceType+"/"+verb, sc.ID())
		}
		return fn(&policyRequest{Request: r, principal: p,
			req: policy.Request{Scope: sc, Name: r.PathValue("name"), By: p.Name, Match: matchOf(r)}})
	})
}

// sees reports whether p may read the policy of scope: policy at the scope of its token, below
// it, or above it (what applies to its resources).
func sees(p auth.Principal, scope string) bool {
	return p.Role.Allows(auth.Read) && (auth.Covers(p.Scope, scope) || auth.Covers(scope, p.Scope))
}

// listBuiltinDefinitions lists the built-in definitions; every reader may.
func (a *API) listBuiltinDefinitions(r *http.Request) (int, any, error) {
	if err := a.checkBuiltinRequest(r); err != nil {
		return 0, nil, err
	}
	docs, err := a.Policy.ListDefinitions(r.Context(), "")
	if err != nil {
		return 0, nil, err
	}
	return a.definitionPage(r, docs)
}

func (a *API) getBuiltinDefinition(r *http.Request) (int, any, error) {
	if err := a.checkBuiltinRequest(r); err != nil {
		return 0, nil, err
	}
	doc, err := a.Policy.GetDefinition(r.Context(), policy.BuiltinID(r.PathValue("name")))
	return answer(http.StatusOK, doc, err)
}

// checkBuiltinRequest checks the api-version and that the caller may read.
func (a *API) checkBuiltinRequest(r *http.Request) error {
	if _, err := checkAPIVersion(r, policy.DefinitionType, policy.APIVersions); err != nil {
		return err
	}
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || !p.Role.Allows(auth.Read) {
		return forbidden(p.Name, policy.DefinitionType+"/read", builtinDefinitionsPath)
	}
	return nil
}

// listDefinitions lists the built-in definitions and the subscription's own.
func (a *API) listDefinitions(pr *policyRequest) (int, any, error) {
	docs, err := a.Policy.ListDefinitions(pr.Context(), pr.req.Scope.Subscription)
	if err != nil {
		return 0, nil, err
	}
	return a.definitionPage(pr.Request, docs)
}

// definitionPage answers a page of definitions, kept by a $filter of policyType.
func (a *API) definitionPage(r *http.Request, docs []*policy.DefinitionDoc) (int, any, error) {
	keep, err := policyTypeFilter(r.URL.Query().Get("$filter"))
	if err != nil {
		return 0, nil, err
	}
	kept := docs[:0:0]
	for _, d := range docs {
		if keep == "" || strings.EqualFold(d.Properties.PolicyType, keep) {
			kept = append(kept, d)
		}
	}
	items, next, err := policyPage(r, a.PageSize, kept, func(d *policy.DefinitionDoc) string { return d.ID })
	return http.StatusOK, &policy.DefinitionList{Value: items, NextLink: next}, err
}

// policyTypeFilter reads a definition listing's $filter: none, or policyType eq '{type}'.
func policyTypeFilter(filter string) (string, error) {
	if filter == "" {
		return "", nil
	}
	f := strings.Fields(filter)
	if len(f) == 3 && strings.EqualFold(f[0], "policyType") && strings.EqualFold(f[1], "eq") && len(f[2]) > 2 &&
		strings.HasPrefix(f[2], "'") && strings.HasSuffix(f[2], "'") {
		return strings.Trim(f[2], "'"), nil
	}
	return "", badRequest(codeInvalidParameter, "The $filter '%s' is not supported for policy definitions: use policyType eq 'BuiltIn' or policyType eq 'Custom'.", filter)
}

func (a *API) getDefinition(pr *policyRequest) (int, any, error) {
	doc, err := a.Policy.GetDefinition(pr.Context(), definitionID(pr))
	return answer(http.StatusOK, doc, err)
}

// definitionID is the ID of the requested custom definition.
func definitionID(pr *policyRequest) string {
	return "/subscriptions/" + pr.req.Scope.Subscription + builtinDefinitionsPath + "/" + pr.req.Name
}

// putDefinition creates or replaces a custom definition: 201 either way, as Azure answers.
func (a *API) putDefinition(pr *policyRequest) (int, any, error) {
	doc, err := a.Policy.PutDefinition(pr.Context(), pr.req, func(v any) error { return decodeBody(pr.Request, v) })
	return answer(http.StatusCreated, doc, err)
}

// deleteDefinition deletes a custom definition: 200, or 204 when there was none.
func (a *API) deleteDefinition(pr *policyRequest) (int, any, error) {
	deleted, err := a.Policy.DeleteDefinition(pr.Context(), pr.req)
	if err != nil || !deleted {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, nil, nil
}

// listAssignments lists the assignments a $filter keeps at the scope that the caller may see.
func (a *API) listAssignments(pr *policyRequest) (int, any, error) {
	f, err := policy.ParseFilter(pr.URL.Query().Get("$filter"))
	if err != nil {
		return 0, nil, err
	}
	docs, err := a.Policy.ListAssignments(pr.Context(), pr.req.Scope, f)
	if err != nil {
		return 0, nil, err
	}
	visible := docs[:0]
	for _, d := range docs {
		if sees(pr.principal, d.Properties.Scope) {
			visible = append(visible, d)
		}
	}
	items, next, err := policyPage(pr.Request, a.PageSize, visible, func(d *policy.AssignmentDoc) string { return d.ID })
	return http.StatusOK, &policy.AssignmentList{Value: items, NextLink: next}, err
}

func (a *API) getAssignment(pr *policyRequest) (int, any, error) {
	doc, err := a.Policy.GetAssignment(pr.Context(), pr.req)
	return answer(http.StatusOK, doc, err)
}

// putAssignment creates or replaces an assignment: 201 either way, as Azure answers.
func (a *API) putAssignment(pr *policyRequest) (int, any, error) {
	doc, err := a.Policy.PutAssignment(pr.Context(), pr.req, func(v any) error { return decodeBody(pr.Request, v) })
	return answer(http.StatusCreated, doc, err)
}

// deleteAssignment deletes an assignment: 200 with what it was, or 204 when there was none.
func (a *API) deleteAssignment(pr *policyRequest) (int, any, error) {
	doc, err := a.Policy.DeleteAssignment(pr.Context(), pr.req)
	if err != nil || doc == nil {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, doc, nil
}

// answer is a handler's answer of a resource document with its ETag header, or of err.
func answer[D interface{ EntityTag() string }](status int, doc D, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return status, tagged(doc), nil
}

// policyPage returns the page of items (sorted by case-folded ID) after the request's
// $skipToken, of size (default 100) or $top items, and the nextLink when more follow.
func policyPage[T any](r *http.Request, size int, items []T, id func(T) string) ([]T, string, error) {
	if size <= 0 {
		size = 100
	}
	if top := r.URL.Query().Get("$top"); top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n < 1 || n > 1000 {
			return nil, "", badRequest(codeInvalidParameter, "The $top '%s' must be a number from 1 to 1000.", top)
		}
		size = min(size, n)
	}
	after := r.URL.Query().Get("$skipToken")
	start := 0
	for start < len(items) && after != "" && strings.ToLower(id(items[start])) <= after {
		start++
	}
	end := min(start+size, len(items))
	if end == len(items) {
		return items[start:end], "", nil
	}
	return items[start:end], nextLink(r, id(items[end-1])), nil
}
