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
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/policyinsights"
	"github.com/kubearc/kubearc/pkg/armid"
)

// policyInsightsAPIVersions are the api-versions Microsoft.PolicyInsights answers.
var policyInsightsAPIVersions = []string{"2024-10-01"}

// Microsoft.PolicyInsights: its type and provider path, its operations as named in
// authorization errors, and the error code of a query it cannot answer.
const (
	typePolicyStates        = "Microsoft.PolicyInsights/policyStates"
	insightsProvider        = "/providers/Microsoft.PolicyInsights"
	opQueryPolicyStates     = "Microsoft.PolicyInsights/policyStates/queryResults/action"
	opSummarizePolicyStates = "Microsoft.PolicyInsights/policyStates/summarize/action"
	opQueryComponentStates  = "Microsoft.PolicyInsights/componentPolicyStates/queryResults/action"
	opTriggerEvaluation     = "Microsoft.PolicyInsights/policyStates/triggerEvaluation/action"
	opReadEvaluation        = "Microsoft.PolicyInsights/asyncOperationResults/read"
	codeInvalidQuery        = "InvalidQueryParameterValue"
)

// policyScopes are the scopes policy states are asked for at: a subscription, a resource
// group (these two also trigger evaluations), a cluster, and a subscription's or resource
// group's policy assignment.
var policyScopes = []string{
	"/subscriptions/{sub}",
	"/subscriptions/{sub}/resourceGroups/{rg}",
	clustersPath + "/{cluster}",
	"/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments/{assignment}",
	"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Authorization/policyAssignments/{assignment}",
}

// registerPolicyInsights adds the routes of Microsoft.PolicyInsights when the API serves it.
// Queries are POSTs; the SDK follows a nextLink with a GET.
func (a *API) registerPolicyInsights(mux *http.ServeMux, c canonicalizer) {
	if a.PolicyInsights == nil {
		return
	}
	c.add("Microsoft.PolicyInsights", "policyStates", "componentPolicyStates", "queryResults", "summarize",
		"triggerEvaluation", "asyncOperationResults", "Microsoft.Authorization", "policyAssignments")
	for i, scope := range policyScopes {
		states := scope + insightsProvider + "/policyStates/{resource}"
		query := a.handle(insightsQuery(a, opQueryPolicyStates, (*policyinsights.Service).PolicyStates))
		mux.HandleFunc("POST "+states+"/queryResults", query)
		mux.HandleFunc("GET "+states+"/queryResults", query)
		mux.HandleFunc("POST "+states+"/summarize", a.handle(insightsQuery(a, opSummarizePolicyStates, (*policyinsights.Service).Summarize)))
		mux.HandleFunc("POST "+scope+insightsProvider+"/componentPolicyStates/{resource}/queryResults",
			a.handle(insightsQuery(a, opQueryComponentStates, (*policyinsights.Service).ComponentStates)))
		if i < 2 {
			mux.HandleFunc("POST "+states+"/triggerEvaluation", a.handle(a.triggerEvaluation))
		}
	}
	mux.HandleFunc("GET /subscriptions/{sub}"+insightsProvider+"/asyncOperationResults/{operation}", a.handle(a.evaluationStatus))
}

// insightsQuery answers a query of policy states with query.
func insightsQuery[T any](a *API, operation string, query func(*policyinsights.Service, context.Context, *policyinsights.Request) (T, error)) func(*http.Request) (int, any, error) {
	return func(r *http.Request) (int, any, error) {
		req, err := a.insightsRequest(r, operation)
		if err != nil {
			return 0, nil, err
		}
		out, err := query(a.PolicyInsights, r.Context(), req)
		if err != nil {
			return 0, nil, insightsError(err, req.Scope)
		}
		return http.StatusOK, out, nil
	}
}

// insightsRequest checks a query of policy states. A caller who may read part of the scope
// (a resource group of the subscription) reads the states of the clusters there.
func (a *API) insightsRequest(r *http.Request, operation string) (*policyinsights.Request, error) {
	scope, err := insightsScope(r)
	if err != nil {
		return nil, err
	}
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || (!p.Can(auth.Read, scope.String()) && !auth.Covers(scope.String(), p.Scope)) {
		return nil, forbidden(p.Name, operation, scope.String())
	}
	q, err := policyinsights.ParseQuery(r.URL.Query())
	if err != nil {
		return nil, insightsError(err, scope)
	}
	return &policyinsights.Request{Scope: scope, Query: q,
		CanRead:  func(id string) bool { return p.Can(auth.Read, id) },
		NextLink: func(skipToken string) string { return pageLink(r, skipToken) }}, nil
}

// insightsScope checks the api-version, the scope of the path and its policy states
// resource: the hub keeps the latest states only.
func insightsScope(r *http.Request) (policyinsights.Scope, error) {
	scope := policyinsights.Scope{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg")}
	if _, err := checkAPIVersion(r, typePolicyStates, policyInsightsAPIVersions); err != nil {
		return scope, err
	}
	if err := validateScopePath(r); err != nil {
		return scope, err
	}
	if res := r.PathValue("resource"); !strings.EqualFold(res, "latest") {
		return scope, badRequest(codeInvalidParameter, "The policy states resource '%s' is not supported: the hub keeps the latest policy states only; use 'latest'.", res)
	}
	if name := r.PathValue("cluster"); name != "" {
		id := armid.ClusterID{Subscription: scope.Subscription, ResourceGroup: scope.ResourceGroup, Name: name}
		if err := id.Validate(); err != nil {
			return scope, badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
		}
		scope.ClusterID = id.String()
	}
	if name := r.PathValue("assignment"); name != "" {
		scope.AssignmentID = policyinsights.AssignmentID(scope, name)
	}
	return scope, nil
}

// insightsError is the ARM error of a failed query.
func insightsError(err error, scope policyinsights.Scope) error {
	var qe *policyinsights.QueryError
	switch {
	case errors.As(err, &qe):
		return badRequest(codeInvalidQuery, "%s", qe.Message)
	case errors.Is(err, policyinsights.ErrNotFound):
		return notFound(typeConnectedClusters, scope.ClusterID)
	}
	return err
}

// pageLink is the URL of the request's page that starts at skipToken.
func pageLink(r *http.Request, skipToken string) string {
	q := r.URL.Query()
	for k := range q {
		if strings.EqualFold(k, "$skiptoken") {
			q.Del(k)
		}
	}
	q.Set("$skiptoken", skipToken)
	return (&url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}).String()
}

// triggerEvaluation asks the agents in scope to report their policy states now: 202 with
// a Location to poll.
func (a *API) triggerEvaluation(r *http.Request) (int, any, error) {
	scope, err := insightsScope(r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.authorize(r, auth.Write, opTriggerEvaluation, scope.String()); err != nil {
		return 0, nil, err
	}
	ev, err := a.PolicyInsights.TriggerEvaluation(r.Context(), scope)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, evaluationLocation(r, ev), nil
}

// evaluationStatus answers 202 while the agents of a triggered evaluation have not
// reported, 200 once they have (or the evaluation stopped waiting for them).
func (a *API) evaluationStatus(r *http.Request) (int, any, error) {
	if _, err := checkAPIVersion(r, typePolicyStates, policyInsightsAPIVersions); err != nil {
		return 0, nil, err
	}
	if err := validateScopePath(r); err != nil {
		return 0, nil, err
	}
	ev, err := a.PolicyInsights.Evaluation(r.Context(), r.PathValue("sub"), r.PathValue("operation"))
	if errors.Is(err, policyinsights.ErrNotFound) {
		return 0, nil, &armError{status: http.StatusNotFound, code: codeResourceNotFound,
			message: "The operation '" + r.PathValue("operation") + "' was not found."}
	}
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.authorize(r, auth.Read, opReadEvaluation, ev.Scope.String()); err != nil {
		return 0, nil, err
	}
	switch done, err := a.PolicyInsights.EvaluationDone(r.Context(), ev); {
	case err != nil:
		return 0, nil, err
	case !done:
		return http.StatusAccepted, evaluationLocation(r, ev), nil
	}
	return http.StatusOK, nil, nil
}

// evaluationLocation is an answer whose Location header is the status URL of ev.
func evaluationLocation(r *http.Request, ev *policyinsights.Evaluation) *withHeaders {
	q := url.Values{}
	q.Set("api-version", r.URL.Query().Get("api-version"))
	u := &url.URL{Scheme: "https", Host: r.Host, RawQuery: q.Encode(),
		Path: "/subscriptions/" + ev.Scope.Subscription + insightsProvider + "/asyncOperationResults/" + ev.ID}
	h := http.Header{}
	h.Set("Location", u.String())
	return &withHeaders{header: h}
}
