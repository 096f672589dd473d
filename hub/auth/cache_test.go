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
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// countingStore counts the FindToken calls that reach the store.
type countingStore struct {
	*fakeStore
	reads atomic.Int32
}

func (c *countingStore) FindToken(ctx context.Context, hash []byte) (*store.Token, error) {
	c.reads.Add(1)
	return c.fakeStore.FindToken(ctx, hash)
}

func TestTokenCache(t *testing.T) {
	backing := &countingStore{fakeStore: newFakeStore()}
	ctx := t.Context()
	if err := backing.CreateToken(ctx, &store.Token{ID: "t1", Name: "ci", Hash: HashSecret("s1"), Role: "Reader", Scope: "/"}); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	cache := &TokenCache{Store: backing, TTL: 10 * time.Second, Now: func() time.Time { return now }}
	find := func(secret string) error { _, err := cache.FindToken(ctx, HashSecret(secret)); return err }

	if err := find("s1"); err != nil {
		t.Fatal(err)
	}
	if err := find("s1"); err != nil || backing.reads.Load() != 1 {
		t.Fatalf("second lookup within the TTL: err %v, store reads %d, want 1", err, backing.reads.Load())
	}
	for range 2 {
		if err := find("unknown"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
	}
	if backing.reads.Load() != 3 {
		t.Fatalf("unknown tokens were cached: store reads %d, want 3", backing.reads.Load())
	}

	// Revoked behind the cache's back (another hub replica): works until the TTL runs out.
	if err := backing.RevokeToken(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if err := find("s1"); err != nil {
		t.Fatalf("within the TTL: %v", err)
	}
	now = now.Add(11 * time.Second)
	if err := find("s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the TTL a revoked token still works: %v", err)
	}
}

func TestTokenCacheRevokeIsImmediate(t *testing.T) {
	backing := newFakeStore()
	ctx := t.Context()
	if err := backing.CreateToken(ctx, &store.Token{ID: "t1", Name: "ci", Hash: HashSecret("s1"), Role: "Reader", Scope: "/"}); err != nil {
		t.Fatal(err)
	}
	cache := &TokenCache{Store: backing}
	if _, err := cache.FindToken(ctx, HashSecret("s1")); err != nil {
		t.Fatal(err)
	}
	if err := cache.RevokeToken(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.FindToken(ctx, HashSecret("s1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a token revoked through the cache still works: %v", err)
	}
}
