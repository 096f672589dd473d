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
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// Authenticator checks the bearer token of every request.
type Authenticator struct {
	// Store holds the tokens.
	Store store.Store
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// authError is a refusal with the message the client sees. Messages never contain the token.
type authError struct {
	status  int
	code    string
	message string
}

// Middleware authenticates the request's "Authorization: Bearer <token>" header and passes
// the request on with its Principal in the context (see PrincipalFrom). A missing, malformed,
// unknown, revoked or expired token is answered 401 with the ARM error envelope.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, expires, aerr := a.authenticate(r)
		if aerr != nil {
			writeAuthError(w, aerr)
			return
		}
		ctx := context.WithValue(NewContext(r.Context(), p), credentialKey{}, Credential{Subject: TokenSubject(p.TokenID), NotAfter: expires})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (a *Authenticator) authenticate(r *http.Request) (Principal, time.Time, *authError) {
	secret, aerr := bearerToken(r.Header.Values("Authorization"))
	if aerr != nil {
		return Principal{}, time.Time{}, aerr
	}
	t, err := a.Store.FindToken(r.Context(), HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, time.Time{}, unauthenticated("the bearer token is not valid or has been revoked")
	}
	if errors.Is(err, store.ErrUnavailable) {
		return Principal{}, time.Time{}, &authError{status: http.StatusServiceUnavailable, code: "ServiceUnavailable",
			message: "the bearer token could not be checked: the hub's database cannot be reached for the moment; retry later"}
	}
	if err != nil {
		return Principal{}, time.Time{}, &authError{status: http.StatusInternalServerError, code: "InternalServerError",
			message: "the bearer token could not be checked; try again later"}
	}
	if !t.ExpiresAt.IsZero() && !a.now().Before(t.ExpiresAt) {
		return Principal{}, time.Time{}, unauthenticated(fmt.Sprintf("the bearer token %q expired at %s", t.Name, t.ExpiresAt.UTC().Format(time.RFC3339)))
	}
	p, err := principalFromToken(t)
	if err != nil {
		return Principal{}, time.Time{}, unauthenticated("the bearer token's grant is not valid; create a new token")
	}
	return p, t.ExpiresAt, nil
}

// bearerToken extracts the secret of a single "Bearer <token>" header.
func bearerToken(values []string) (string, *authError) {
	if len(values) == 0 {
		return "", unauthenticated("the request has no Authorization header; send 'Authorization: Bearer <token>'")
	}
	scheme, secret, ok := strings.Cut(values[0], " ")
	secret = strings.TrimSpace(secret)
	if len(values) > 1 || !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" || strings.Contains(secret, " ") {
		return "", unauthenticated("Authorization header must be 'Bearer <token>'")
	}
	return secret, nil
}

func unauthenticated(message string) *authError {
	return &authError{status: http.StatusUnauthorized, code: "AuthenticationFailed", message: message}
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// writeAuthError answers with the ARM error envelope {"error":{"code":…,"message":…}}.
func writeAuthError(w http.ResponseWriter, e *authError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	if e.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "10") // ARM clients retry after it
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	type body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	_ = json.NewEncoder(w).Encode(map[string]body{"error": {Code: e.code, Message: e.message}})
}

type credentialKey struct{}

// CredentialFrom returns the token that authenticated a request Middleware admitted, as the
// credential of a long-lived stream (Revocations.Hold): revoking the token, or its expiry,
// ends the stream.
func CredentialFrom(ctx context.Context) (Credential, bool) {
	c, ok := ctx.Value(credentialKey{}).(Credential)
	return c, ok
}
