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

func (a *API) createToken(r *http.Request) (int, any, error) {
	var req tokenRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	secret, t, err := a.newToken(r, req)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Store.CreateToken(r.Context(), t); err != nil {
		return 0, nil, fmt.Errorf("storing token: %w", err)
	}
	v := viewOf(t)
	v.Token = secret
	return http.StatusCreated, v, nil
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
	// NewToken fails only on what the request asked for (its name, role, scope or lifetime):
	// its random source, crypto/rand, never fails.
	secret, t, err := auth.NewToken(req.Name, role, req.Scope, ttl, a.now())
	if err != nil {
		return "", nil, badRequest(codeInvalidParameter, "The token request is invalid: %s.", err)
	}
	return secret, t, nil
}

func (a *API) listTokens(r *http.Request) (int, any, error) {
	_, tokens, err := a.ownerTokens(r)
	if err != nil {
		return 0, nil, err
	}
	views := []tokenView{}
	for _, t := range tokens {
		views = append(views, viewOf(t))
	}
	return http.StatusOK, map[string]any{"value": views}, nil
}

func (a *API) revokeToken(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	p, tokens, err := a.ownerTokens(r)
	if err != nil {
		return 0, nil, err
	}
	if id == p.TokenID {
		return 0, nil, &armError{status: http.StatusConflict, code: codeConflict,
			message: "A token cannot revoke itself; revoke it with another Owner token, so the hub keeps an Owner."}
	}
	for _, t := range tokens {
		if t.ID != id {
			continue
		}
		if err := a.Store.RevokeToken(r.Context(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return 0, nil, fmt.Errorf("revoking token: %w", err)
		}
		return http.StatusNoContent, nil, nil
	}
	return 0, nil, notFound("kubearc/tokens", id)
}

// ownerTokens returns the calling Owner and the live tokens within its scope.
func (a *API) ownerTokens(r *http.Request) (auth.Principal, []*store.Token, error) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || p.Role != auth.Owner {
		return p, nil, forbidden(p.Name, opManageTokens, p.Scope)
	}
	all, err := a.Store.ListTokens(r.Context())
	if err != nil {
		return p, nil, fmt.Errorf("listing tokens: %w", err)
	}
	var mine []*store.Token
	for _, t := range all {
		if auth.Covers(p.Scope, t.Scope) {
			mine = append(mine, t)
		}
	}
	return p, mine, nil
}

// whoami tells the caller who the hub takes them for: their token's name, role and scope.
func (a *API) whoami(r *http.Request) (int, any, error) {
	p, _ := auth.PrincipalFrom(r.Context())
	return http.StatusOK, tokenView{ID: p.TokenID, Name: p.Name, Role: string(p.Role), Scope: p.Scope}, nil
}
