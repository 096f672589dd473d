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
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

// A token revoked through another replica: TokenRevoked (its notification) ends its streams
// at once; RecheckTokens (after notifications may have been lost) ends the streams of the
// tokens no longer live and forgets every cached token, and keeps the others' streams.
func TestTokenCacheHearsOtherReplicas(t *testing.T) {
	backing := newFakeStore()
	ctx := t.Context()
	for _, id := range []string{"t1", "t2", "t3"} {
		if err := backing.CreateToken(ctx, &store.Token{ID: id, Name: id, Hash: HashSecret("s" + id), Role: "Reader", Scope: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	cache := &TokenCache{Store: backing, Revocations: NewRevocations(nil)}
	streams := map[string]context.Context{}
	for _, id := range []string{"t1", "t2", "t3"} {
		if _, err := cache.FindToken(ctx, HashSecret("s"+id)); err != nil {
			t.Fatal(err)
		}
		held, release := cache.Revocations.Hold(ctx, Credential{Subject: TokenSubject(id)})
		t.Cleanup(release)
		streams[id] = held
	}
	ended := func(id string) bool { return errors.Is(context.Cause(streams[id]), ErrRevoked) }

	cache.TokenRevoked("t1")
	if !ended("t1") || ended("t2") || ended("t3") {
		t.Fatalf("after TokenRevoked(t1): ended t1 %v, t2 %v, t3 %v; want only t1", ended("t1"), ended("t2"), ended("t3"))
	}
	// Revoked behind the cache's back, its notification lost.
	if err := backing.RevokeToken(ctx, "t2"); err != nil {
		t.Fatal(err)
	}
	if err := cache.RecheckTokens(ctx); err != nil {
		t.Fatalf("RecheckTokens = %v", err)
	}
	if !ended("t2") || ended("t3") {
		t.Errorf("after RecheckTokens: ended t2 %v, t3 %v; want t2 only", ended("t2"), ended("t3"))
	}
	if _, err := cache.FindToken(ctx, HashSecret("st2")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after RecheckTokens the revoked token is still cached: %v", err)
	}
}
