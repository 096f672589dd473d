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
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// armError is the ARM error envelope as a client decodes it.
type armError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type authFixture struct {
	store   *fakeStore
	handler http.Handler
	// seen is the Principal the wrapped handler saw, nil when it was not called.
	seen *Principal
	now  time.Time
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	f := &authFixture{store: newFakeStore(), now: testNow}
	a := &Authenticator{Store: f.store, Now: func() time.Time { return f.now }}
	f.handler = a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := PrincipalFrom(r.Context())
		if !ok {
			t.Error("handler called without a Principal")
		}
		f.seen = &p
		w.WriteHeader(http.StatusNoContent)
	}))
	return f
}

func (f *authFixture) addToken(t *testing.T, name string, role Role, scope string, ttl time.Duration) (string, string) {
	t.Helper()
	secret, tok, err := NewToken(name, role, scope, ttl, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.CreateToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	return secret, tok.ID
}

func (f *authFixture) do(t *testing.T, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	f.seen = nil
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/subscriptions/s", nil)
	for _, h := range headers {
		req.Header.Add("Authorization", h)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

func TestMiddlewareAcceptsValidToken(t *testing.T) {
	f := newAuthFixture(t)
	secret, id := f.addToken(t, "ci", Contributor, "/subscriptions/s", time.Hour)
	for _, header := range []string{"Bearer " + secret, "bearer " + secret, "Bearer  " + secret + " "} {
		rec := f.do(t, header)
		if rec.Code != http.StatusNoContent || f.seen == nil {
			t.Fatalf("%q: status %d, body %s", header, rec.Code, rec.Body)
		}
		want := Principal{TokenID: id, Name: "ci", Role: Contributor, Scope: "/subscriptions/s"}
		if *f.seen != want {
			t.Errorf("Principal = %+v, want %+v", *f.seen, want)
		}
	}
}

func TestMiddlewareRejects(t *testing.T) {
	f := newAuthFixture(t)
	secret, _ := f.addToken(t, "short-lived", Reader, "/", time.Hour)
	revoked, revokedID := f.addToken(t, "old", Reader, "/", 0)
	if err := f.store.RevokeToken(t.Context(), revokedID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		headers     []string
		later       time.Duration
		wantMessage string
	}{
		{name: "no header", wantMessage: "no Authorization header"},
		{name: "basic auth", headers: []string{"Basic " + secret}, wantMessage: "Authorization header must be 'Bearer <token>'"},
		{name: "scheme only", headers: []string{"Bearer"}, wantMessage: "must be 'Bearer <token>'"},
		{name: "empty token", headers: []string{"Bearer  "}, wantMessage: "must be 'Bearer <token>'"},
		{name: "two words", headers: []string{"Bearer " + secret + " extra"}, wantMessage: "must be 'Bearer <token>'"},
		{name: "two headers", headers: []string{"Bearer " + secret, "Bearer " + secret}, wantMessage: "must be 'Bearer <token>'"},
		{name: "unknown token", headers: []string{"Bearer kubearc_unknown"}, wantMessage: "not valid or has been revoked"},
		{name: "revoked token", headers: []string{"Bearer " + revoked}, wantMessage: "not valid or has been revoked"},
		{name: "expired token", headers: []string{"Bearer " + secret}, later: time.Hour,
			wantMessage: "the bearer token \"short-lived\" expired at 2026-03-01T13:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.now = testNow.Add(tt.later)
			rec := f.do(t, tt.headers...)
			assertError(t, rec, http.StatusUnauthorized, "AuthenticationFailed", tt.wantMessage)
			if got := rec.Header().Get("WWW-Authenticate"); got != "Bearer" {
				t.Errorf("WWW-Authenticate = %q, want Bearer", got)
			}
			if f.seen != nil {
				t.Error("the wrapped handler was called")
			}
			for _, s := range []string{secret, revoked, "kubearc_unknown"} {
				if strings.Contains(rec.Body.String(), s) {
					t.Errorf("response echoes a token: %s", rec.Body)
				}
			}
		})
	}
}

func TestMiddlewareStoreFailure(t *testing.T) {
	f := newAuthFixture(t)
	secret, _ := f.addToken(t, "ci", Reader, "/", 0)
	f.store.err = errors.New("database is locked")
	rec := f.do(t, "Bearer "+secret)
	assertError(t, rec, http.StatusInternalServerError, "InternalServerError", "could not be checked")
	if strings.Contains(rec.Body.String(), "database is locked") {
		t.Errorf("response leaks the store error: %s", rec.Body)
	}
}

func TestMiddlewareRejectsCorruptGrant(t *testing.T) {
	f := newAuthFixture(t)
	secret, tok, err := NewToken("ci", Reader, "/", 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tok.Role = "Superuser"
	if err := f.store.CreateToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	assertError(t, f.do(t, "Bearer "+secret), http.StatusUnauthorized, "AuthenticationFailed", "grant is not valid")
}

func assertError(t *testing.T, rec *httptest.ResponseRecorder, status int, code, message string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status = %d, want %d", rec.Code, status)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body armError
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not an ARM error: %v", rec.Body, err)
	}
	if body.Error.Code != code || !strings.Contains(body.Error.Message, message) {
		t.Errorf("error = %+v, want code %s and a message containing %q", body.Error, code, message)
	}
}
