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

package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
)

// ErrForbidden is wrapped by authorization errors, for the API to answer 403.
var ErrForbidden = errors.New("forbidden")

// Principal is the authenticated user of a request: a token's identity and grant.
type Principal struct {
	// TokenID and Name identify the token, for audit logs.
	TokenID string
	Name    string
	Role    Role
	// Scope is the token's canonical scope.
	Scope string
}

// principalFromToken makes a Principal from a stored token, refusing a token whose stored
// role or scope is not valid (it would otherwise grant nothing or everything by accident).
func principalFromToken(t *store.Token) (Principal, error) {
	role, err := ParseRole(t.Role)
	if err != nil {
		return Principal{}, fmt.Errorf("token %s: %w", t.ID, err)
	}
	scope, err := ParseScope(t.Scope)
	if err != nil {
		return Principal{}, fmt.Errorf("token %s: %w", t.ID, err)
	}
	return Principal{TokenID: t.ID, Name: t.Name, Role: role, Scope: scope}, nil
}

// Can reports whether p may perform action on target, a resource ID or a scope.
func (p Principal) Can(action Action, target string) bool {
	return p.Role.Allows(action) && Covers(p.Scope, target)
}

// CheckGrant returns nil when p may create (or revoke) a token with role at scope: p must be
// an Owner, the scope within p's scope and the role not above p's. Errors for an invalid role
// or scope do not wrap ErrForbidden (400); refusals do (403).
func (p Principal) CheckGrant(role Role, scope string) error {
	if role.rank() == 0 {
		return invalidRole(string(role))
	}
	canonical, err := ParseScope(scope)
	if err != nil {
		return err
	}
	switch {
	case !p.Role.Allows(Admin):
		return fmt.Errorf("%w: managing tokens needs the %s role; this token is %s", ErrForbidden, Owner, p.Role)
	case !Covers(p.Scope, canonical):
		return fmt.Errorf("%w: scope %s is outside this token's scope %s", ErrForbidden, canonical, p.Scope)
	case role.rank() > p.Role.rank():
		return fmt.Errorf("%w: role %s is above this token's role %s", ErrForbidden, role, p.Role)
	}
	return nil
}

type principalKey struct{}

// NewContext returns a context carrying p; the middleware uses it, and so can tests.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the request's authenticated Principal; ok is false when the request
// did not pass through the Authenticator.
func PrincipalFrom(ctx context.Context) (p Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(Principal)
	return p, ok
}
