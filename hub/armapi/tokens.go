/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package armapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
)

const opManageTokens = "kubearc/tokens/write"

// tokenRequest is the body of POST /kubearc/v1/tokens.
type tokenRequest struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Scope string `json:"scope"`
	// ExpiresIn is a Go duration such as "720h"; empty means the token does not expire.
	ExpiresIn string `json:"expiresIn,omitempty"`
}

// tokenView is a token as the API shows it; Token (the secret) only once, at creation.
type tokenView struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Scope     string     `json:"scope"`
	CreatedAt time.Time  `json:"createdAt,omitzero"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	Token     string     `json:"token,omitempty"`
}

func viewOf(t *store.Token) tokenView {
	v := tokenView{ID: t.ID, Name: t.Name, Role: t.Role, Scope: t.Scope, CreatedAt: t.CreatedAt.UTC()}
	if !t.ExpiresAt.IsZero() {
		exp := t.ExpiresAt.UTC()
		v.ExpiresAt = &exp
	}
	return v
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, a.Log, err)
		return
	}
	secret, t, err := a.newToken(r, req)
	if err != nil {
		writeError(w, a.Log, err)
		return
	}
	if err := a.Store.CreateToken(r.Context(), t); err != nil {
		writeError(w, a.Log, fmt.Errorf("storing token: %w", err))
		return
	}
	v := viewOf(t)
	v.Token = secret
	writeJSON(w, http.StatusCreated, v)
}

// newToken validates a token request against what the calling Owner may grant.
func (a *API) newToken(r *http.Request, req tokenRequest) (string, *store.Token, error) {
	if req.Name == "" {
		return "", nil, badRequest(codeMissingProperty, "The property 'name' is required.")
	}
	role, err := auth.ParseRole(req.Role)
	if err != nil {
		return "", nil, badRequest(codeInvalidParameter, "The property 'role' is invalid: %s.", err)
	}
	if req.Scope == "" {
		req.Scope = "/"
	}
	var ttl time.Duration
	if req.ExpiresIn != "" {
		if ttl, err = time.ParseDuration(req.ExpiresIn); err != nil || ttl <= 0 {
			return "", nil, badRequest(codeInvalidParameter, "The property 'expiresIn' must be a positive duration such as \"720h\", not '%s'.", req.ExpiresIn)
		}
	}
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		return "", nil, forbidden("", opManageTokens, req.Scope)
	}
	if err := p.CheckGrant(role, req.Scope); err != nil {
		if errors.Is(err, auth.ErrForbidden) {
			return "", nil, &armError{status: http.StatusForbidden, code: codeAuthorizationFailed, message: err.Error()}
		}
		return "", nil, badRequest(codeInvalidParameter, "The property 'scope' is invalid: %s.", err)
	}
	secret, t, err := auth.NewToken(req.Name, role, req.Scope, ttl, a.now())
	if err != nil {
		return "", nil, fmt.Errorf("creating token: %w", err)
	}
	return secret, t, nil
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || p.Role != auth.Owner {
		writeError(w, a.Log, forbidden(p.Name, opManageTokens, p.Scope))
		return
	}
	tokens, err := a.Store.ListTokens(r.Context())
	if err != nil {
		writeError(w, a.Log, fmt.Errorf("listing tokens: %w", err))
		return
	}
	views := []tokenView{}
	for _, t := range tokens {
		if auth.Covers(p.Scope, t.Scope) {
			views = append(views, viewOf(t))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": views})
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || p.Role != auth.Owner {
		writeError(w, a.Log, forbidden(p.Name, opManageTokens, p.Scope))
		return
	}
	tokens, err := a.Store.ListTokens(r.Context())
	if err != nil {
		writeError(w, a.Log, fmt.Errorf("listing tokens: %w", err))
		return
	}
	if id == p.TokenID {
		writeError(w, a.Log, &armError{status: http.StatusConflict, code: codeConflict,
			message: "A token cannot revoke itself; revoke it with another Owner token, so the hub keeps an Owner."})
		return
	}
	for _, t := range tokens {
		if t.ID == id && auth.Covers(p.Scope, t.Scope) {
			if err := a.Store.RevokeToken(r.Context(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
				writeError(w, a.Log, fmt.Errorf("revoking token: %w", err))
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeError(w, a.Log, notFound("kubearc/tokens", id))
}

// whoami tells the caller who the hub takes them for: their token's name, role and scope.
func (a *API) whoami(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, tokenView{ID: p.TokenID, Name: p.Name, Role: string(p.Role), Scope: p.Scope})
}
