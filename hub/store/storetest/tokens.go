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

package storetest

import (
	"crypto/sha256"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

func newToken(id string, created, expires time.Time) *store.Token {
	hash := sha256.Sum256([]byte("secret of " + id))
	return &store.Token{ID: id, Name: "token " + id, Hash: hash[:], Role: "Contributor",
		Scope: "/subscriptions/sub/resourceGroups/rg", CreatedAt: created, ExpiresAt: expires}
}

func createToken(t *testing.T, s store.Store, tok *store.Token) {
	t.Helper()
	if err := s.CreateToken(t.Context(), tok); err != nil {
		t.Fatalf("CreateToken(%s) = %v", tok.ID, err)
	}
}

// wantDuplicateRefused checks that creating another token with id is an error at once, not
// a race retried until it is lost.
func wantDuplicateRefused(t *testing.T, s store.Store, id string) {
	t.Helper()
	if err := s.CreateToken(t.Context(), newToken(id, moment(5), time.Time{})); err == nil || errors.Is(err, store.ErrRacesLost) {
		t.Errorf("CreateToken with an existing ID = %v, want a duplicate error", err)
	}
}

func testTokens(t *testing.T, s store.Store) {
	now := time.Now().Truncate(time.Microsecond)
	// Expiry times far east and west of UTC: a token expires at the same instant everywhere.
	east, west := time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600)
	tokens := map[string]*store.Token{
		"forever":  newToken("forever", moment(1), time.Time{}),
		"expiring": newToken("expiring", moment(2), now.Add(time.Hour).In(west)),
		"expired":  newToken("expired", moment(3), now.Add(-time.Second).In(east)),
		"revoked":  newToken("revoked", moment(4), time.Time{}),
		"unset":    newToken("unset", time.Time{}, time.Time{}),
	}
	for _, id := range []string{"forever", "expiring", "expired", "revoked", "unset"} {
		createToken(t, s, tokens[id])
	}
	if err := s.RevokeToken(t.Context(), "revoked"); err != nil {
		t.Fatalf("RevokeToken = %v", err)
	}
	if created := tokens["unset"].CreatedAt; created.Before(now.Add(-time.Minute)) || created.After(time.Now()) {
		t.Errorf("CreateToken without CreatedAt set it to %v, want now", created)
	}
	wantDuplicateRefused(t, s, "forever")
	for id, tok := range tokens {
		got, err := s.FindToken(t.Context(), tok.Hash)
		live := id != "expired" && id != "revoked"
		switch {
		case live && err != nil:
			t.Errorf("FindToken(%s) = %v", id, err)
		case live:
			wantToken(t, got, tok)
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("FindToken(%s) = %v, %v; want ErrNotFound", id, got, err)
		}
	}
	_, err := s.FindToken(t.Context(), []byte("unknown"))
	wantErrorIs(t, "FindToken(unknown)", err, store.ErrNotFound)
	list, err := s.ListTokens(t.Context())
	if err != nil {
		t.Fatalf("ListTokens = %v", err)
	}
	got := make([]string, 0, len(list))
	for _, tok := range list {
		got = append(got, tok.ID)
		wantToken(t, tok, tokens[tok.ID])
	}
	if want := []string{"forever", "expiring", "unset"}; !slices.Equal(got, want) {
		t.Errorf("ListTokens = %v, want %v (live ones, oldest first)", got, want)
	}
}

func testRevokeToken(t *testing.T, s store.Store) {
	tok := newToken("t1", moment(1), time.Time{})
	createToken(t, s, tok)
	tests := []struct {
		id   string
		want error
	}{
		{"unknown", store.ErrNotFound},
		{"t1", nil},
		{"t1", store.ErrNotFound},
	}
	for i, tt := range tests {
		if err := s.RevokeToken(t.Context(), tt.id); !errors.Is(err, tt.want) {
			t.Errorf("call %d: RevokeToken(%s) = %v, want %v", i, tt.id, err, tt.want)
		}
	}
	_, err := s.FindToken(t.Context(), tok.Hash)
	wantErrorIs(t, "FindToken of a revoked token", err, store.ErrNotFound)
}

func wantToken(t *testing.T, got, want *store.Token) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || string(got.Hash) != string(want.Hash) || got.Role != want.Role ||
		got.Scope != want.Scope || !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		!inUTC(got.CreatedAt) || !inUTC(got.ExpiresAt) {
		t.Errorf("token = %+v, want %+v (times in UTC)", got, want)
	}
}
