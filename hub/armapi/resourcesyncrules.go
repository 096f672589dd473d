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
	"github.com/kubearc/kubearc/hub/customlocations"
)

// registerSyncRules adds the routes of a custom location's resource sync rules and its
// findTargetResourceGroup, as the REST spec of api-version 2021-08-31-preview has them. A
// rule is complete once stored: PUT and PATCH answer it Succeeded at once, which ends the
// SDKs' pollers.
func (a *API) registerSyncRules(mux *http.ServeMux, rules *customlocations.SyncRules) {
	location := resourceGroupPath + "/providers/" + customlocations.ResourceType + "/{name}"
	rule := location + "/resourceSyncRules/{rule}"
	mux.HandleFunc("GET "+location+"/resourceSyncRules", a.syncRule(auth.Read, "read", func(r *http.Request, req customlocations.RuleRequest) (int, any, error) {
		list, err := rules.List(r.Context(), req)
		return http.StatusOK, list, err
	}))
	mux.HandleFunc("GET "+rule, a.syncRule(auth.Read, "read", func(r *http.Request, req customlocations.RuleRequest) (int, any, error) {
		doc, err := rules.Get(r.Context(), req)
		return http.StatusOK, doc, err
	}))
	mux.HandleFunc("PUT "+rule, a.syncRule(auth.Write, "write", func(r *http.Request, req customlocations.RuleRequest) (int, any, error) {
		created, doc, err := rules.Put(r.Context(), req, func(v any) error { return decodeBody(r, v) })
		if created {
			return http.StatusCreated, doc, err
		}
		return http.StatusOK, doc, err
	}))
	mux.HandleFunc("PATCH "+rule, a.syncRule(auth.Write, "write", func(r *http.Request, req customlocations.RuleRequest) (int, any, error) {
		doc, err := rules.Patch(r.Context(), req, func(v any) error { return decodeBody(r, v) })
		return http.StatusOK, doc, err
	}))
	mux.HandleFunc("DELETE "+rule, a.syncRule(auth.Write, "delete", func(r *http.Request, req customlocations.RuleRequest) (int, any, error) {
		if deleted, err := rules.Delete(r.Context(), req); err != nil || deleted {
			return http.StatusOK, nil, err
		}
		return http.StatusNoContent, nil, nil
	}))
	mux.HandleFunc("POST "+location+"/findTargetResourceGroup", a.syncRule(auth.Read, "read", a.findTargetResourceGroup(rules)))
}

// findTargetResourceGroup answers the rule that matches the body's labels: 204 when none
// does, as the REST spec has it.
func (a *API) findTargetResourceGroup(rules *customlocations.SyncRules) func(*http.Request, customlocations.RuleRequest) (int, any, error) {
	return func(r *http.Request, req customlocations.RuleRequest) (int, any, error) {
		var in customlocations.FindTargetRequest
		if err := decodeBody(r, &in); err != nil {
			return 0, nil, err
		}
		found, err := rules.FindTarget(r.Context(), req.Location, &in)
		if err != nil || found == nil {
			return http.StatusNoContent, nil, err
		}
		return http.StatusOK, found, nil
	}
}

// syncRule checks a request for a custom location's rules (api-version, names, the caller's
// right on the rule or, without one, on the location) and hands it on.
func (a *API) syncRule(action auth.Action, verb string, fn func(*http.Request, customlocations.RuleRequest) (int, any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		if _, err := checkAPIVersion(r, customlocations.SyncRuleType, customlocations.SyncRuleAPIVersions); err != nil {
			return 0, nil, err
		}
		if err := validateScopePath(r); err != nil {
			return 0, nil, err
		}
		if err := customlocations.ValidateName(r.PathValue("name")); err != nil {
			return 0, nil, err
		}
		req := customlocations.RuleRequest{Location: resourceGroupID(r) + "/providers/" + customlocations.ResourceType + "/" + r.PathValue("name"),
			Name: r.PathValue("rule"), MayWrite: func(scope string) error {
				_, err := a.authorize(r, auth.Write, "Microsoft.Resources/subscriptions/resourceGroups/write", scope)
				return err
			}}
		scope := req.Location
		if req.Name != "" {
			if err := customlocations.ValidateSyncRuleName(req.Name); err != nil {
				return 0, nil, err
			}
			scope += "/resourceSyncRules/" + req.Name
		}
		p, err := a.authorize(r, action, customlocations.SyncRuleType+"/"+verb, scope)
		req.By = p.Name
		if err != nil {
			return 0, nil, err
		}
		return fn(r, req)
	})
}

// resourceGroupID is the ID of the request path's resource group.
func resourceGroupID(r *http.Request) string {
	return "/subscriptions/" + r.PathValue("sub") + "/resourceGroups/" + r.PathValue("rg")
}
