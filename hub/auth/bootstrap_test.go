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
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestEnsureAdminTokenFirstStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	st := newFakeStore()
	path, err := EnsureAdminToken(t.Context(), st, dir, testNow)
	if err != nil {
		t.Fatalf("EnsureAdminToken: %v", err)
	}
	if path != filepath.Join(dir, "admin.token") {
		t.Errorf("path = %q, want %q", path, filepath.Join(dir, "admin.token"))
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("admin.token mode = %o, want 600", mode)
	}
	secret, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.FindToken(t.Context(), HashSecret(string(secret)))
	if err != nil {
		t.Fatalf("the secret in admin.token does not find its token: %v", err)
	}
	if tok.Name != "admin" || tok.Role != "Owner" || tok.Scope != "/" || !tok.ExpiresAt.IsZero() {
		t.Errorf("admin token = %+v, want a non-expiring Owner at / named admin", tok)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %v, want only admin.token", entries)
	}

	var seen Principal
	h := (&Authenticator{Store: st}).Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		seen, _ = PrincipalFrom(r.Context())
	}))
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer "+string(secret))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !seen.Can(Admin, "/subscriptions/any") {
		t.Errorf("the admin token does not authenticate as an Owner at /: %d %s, %+v", rec.Code, rec.Body, seen)
	}
}

func TestEnsureAdminTokenLaterStarts(t *testing.T) {
	dir := t.TempDir()
	st := newFakeStore()
	path, err := EnsureAdminToken(t.Context(), st, dir, testNow)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if _, err := EnsureAdminToken(t.Context(), st, dir, testNow); err != nil {
		t.Fatalf("second EnsureAdminToken: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) || len(st.tokens) != 1 {
		t.Errorf("second start changed the admin token: %d tokens stored", len(st.tokens))
	}
}

func TestEnsureAdminTokenStoreFailureWritesNoFile(t *testing.T) {
	dir := t.TempDir()
	st := newFakeStore()
	st.err = os.ErrPermission
	if _, err := EnsureAdminToken(t.Context(), st, dir, testNow); err == nil {
		t.Fatal("EnsureAdminToken succeeded although the store failed")
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.token")); !os.IsNotExist(err) {
		t.Errorf("admin.token written although its token was not stored: %v", err)
	}
}
