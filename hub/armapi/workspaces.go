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

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/workspaces"
)

// registerWorkspaces adds the routes of monitoring workspaces (hub/workspaces): the resource
// under its resource group, and listings by resource group and by subscription.
func (a *API) registerWorkspaces(mux *http.ServeMux) {
	typ := "/providers/" + workspaces.ResourceType
	mux.HandleFunc("GET "+subscriptionPath+typ, a.handle(a.listWorkspaces))
	mux.HandleFunc("GET "+resourceGroupPath+typ, a.handle(a.listWorkspaces))
	one := resourceGroupPath + typ + "/{name}"
	mux.HandleFunc("GET "+one, a.workspace(auth.Read, "read", a.getWorkspace))
	mux.HandleFunc("PUT "+one, a.workspace(auth.Write, "write", a.putWorkspace))
	mux.HandleFunc("PATCH "+one, a.workspace(auth.Write, "write", a.patchWorkspace))
	mux.HandleFunc("DELETE "+one, a.workspace(auth.Write, "delete", a.deleteWorkspace))
}

// workspaceRequest is a checked request for one workspace.
type workspaceRequest struct {
	*http.Request
	req workspaces.Request
}

// decode reads the request's body into v.
func (wr *workspaceRequest) decode(v any) error { return decodeBody(wr.Request, v) }

// workspace checks a request for one workspace (api-version, path, name, the caller's right
// to act on it) and hands it to fn.
func (a *API) workspace(action auth.Action, verb string, fn func(*workspaceRequest) (int, any, error)) http.HandlerFunc {
	return a.handle(func(r *http.Request) (int, any, error) {
		if _, err := checkAPIVersion(r, workspaces.ResourceType, workspaces.APIVersions); err != nil {
			return 0, nil, err
		}
		if err := validateScopePath(r); err != nil {
			return 0, nil, err
		}
		if err := workspaces.ValidateName(r.PathValue("name")); err != nil {
			return 0, nil, err
		}
		req := workspaces.Request{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"),
			Name: r.PathValue("name"), Match: matchOf(r)}
		p, err := a.authorize(r, action, workspaces.ResourceType+"/"+verb, req.ID())
		if err != nil {
			return 0, nil, err
		}
		req.By = p.Name
		req.MayRead = func(id string) bool { return p.Can(auth.Read, id) }
		return fn(&workspaceRequest{Request: r, req: req})
	})
}

func (a *API) getWorkspace(wr *workspaceRequest) (int, any, error) {
	doc, err := a.Workspaces.Get(wr.Context(), wr.req)
	return answer(http.StatusOK, doc, err)
}

// putWorkspace creates (201) or replaces (200) a workspace.
func (a *API) putWorkspace(wr *workspaceRequest) (int, any, error) {
	created, doc, err := a.Workspaces.Put(wr.Context(), wr.req, wr.decode)
	if created {
		return answer(http.StatusCreated, doc, err)
	}
	return answer(http.StatusOK, doc, err)
}

func (a *API) patchWorkspace(wr *workspaceRequest) (int, any, error) {
	doc, err := a.Workspaces.Patch(wr.Context(), wr.req, wr.decode)
	return answer(http.StatusOK, doc, err)
}

// deleteWorkspace deletes a workspace: 200, or 204 when there was none.
func (a *API) deleteWorkspace(wr *workspaceRequest) (int, any, error) {
	deleted, err := a.Workspaces.Delete(wr.Context(), wr.req)
	if err != nil || !deleted {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, nil, nil
}

// listWorkspaces lists the workspaces of a subscription or a resource group that the caller
// may read, one page at a time.
func (a *API) listWorkspaces(r *http.Request) (int, any, error) {
	if _, err := checkAPIVersion(r, workspaces.ResourceType, workspaces.APIVersions); err != nil {
		return 0, nil, err
	}
	if err := validateScopePath(r); err != nil {
		return 0, nil, err
	}
	sc := workspaces.Scope{Subscription: r.PathValue("sub"), ResourceGroup: r.PathValue("rg"),
		After: r.URL.Query().Get("$skipToken"), Limit: a.PageSize}
	scope := "/subscriptions/" + sc.Subscription
	if sc.ResourceGroup != "" {
		scope = resourceGroupID(r)
	}
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || (!p.Can(auth.Read, scope) && !auth.Covers(scope, p.Scope)) {
		return 0, nil, forbidden(p.Name, workspaces.ResourceType+"/read", scope)
	}
	sc.Visible = func(id string) bool { return p.Can(auth.Read, id) }
	page, last, err := a.Workspaces.List(r.Context(), sc)
	if err != nil {
		return 0, nil, err
	}
	if last != "" {
		page.SetNextLink(nextLink(r, last))
	}
	return http.StatusOK, page, nil
}

// workspaceKeysAction is Azure's action for a workspace's keys, which handing its token to a
// cluster amounts to; the hub allows it with write access (Contributor) on the workspace.
const workspaceKeysAction = workspaces.ResourceType + "/sharedKeys/action"

// mayUseWorkspace returns why the caller of r may not bind the workspace id to an extension
// (nested.Request.MayUse), so that its token goes to the cluster: reading it is not enough.
func (a *API) mayUseWorkspace(r *http.Request) func(id string) error {
	return func(id string) error {
		p, ok := auth.PrincipalFrom(r.Context())
		if ok && p.Can(auth.Write, id) {
			return nil
		}
		return workspaceKeysForbidden(p.Name, id, "binding a workspace hands its token to the cluster; "+
			"ask for the Contributor role on the workspace, its resource group or its subscription (Reader is not enough)")
	}
}

// mayRekey returns why the caller of r may not give the cluster clusterID a new agent key: the
// new key gets the tokens of the workspaces its extensions bind, so the caller must be allowed
// to use each of them, as when binding one.
func (a *API) mayRekey(r *http.Request, clusterID string) error {
	if a.Workspaces == nil {
		return nil
	}
	bound, err := a.Workspaces.BoundBy(r.Context(), clusterID)
	if err != nil {
		return err
	}
	p, ok := auth.PrincipalFrom(r.Context())
	for _, b := range bound {
		if !ok || !p.Can(auth.Write, b.Workspace) {
			return workspaceKeysForbidden(p.Name, b.Workspace, fmt.Sprintf("a new agent key gets the token of that workspace, "+
				"which the extension '%s' binds in its setting '%s'; ask for the Contributor role on the workspace, "+
				"or remove the setting '%s' from the extension (or delete it) first", b.Extension, b.Setting, b.Setting))
		}
	}
	return nil
}

// workspaceKeysForbidden is the 403 of a caller who may not have a workspace's token sent to a
// cluster; why says what to do.
func workspaceKeysForbidden(who, id, why string) error {
	return &armError{status: http.StatusForbidden, code: codeAuthorizationFailed,
		message: fmt.Sprintf("The client '%s' does not have authorization to perform action '%s' over scope '%s': %s.", who, workspaceKeysAction, id, why)}
}
