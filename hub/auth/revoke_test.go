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
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// ended waits briefly for ctx to end and returns its cause; nil when it did not end.
func ended(ctx context.Context, within time.Duration) error {
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-time.After(within):
		return nil
	}
}

func TestRevokeEndsTheHeldStreamsOfASubject(t *testing.T) {
	r := NewRevocations(nil)
	oldKey, _ := r.Hold(t.Context(), Credential{Subject: "/subscriptions/S/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c", Key: "old"})
	newKey, releaseNew := r.Hold(t.Context(), Credential{Subject: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c", Key: "new"})
	other, releaseOther := r.Hold(t.Context(), Credential{Subject: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/d", Key: "old"})
	defer releaseNew()
	defer releaseOther()

	if n := r.Revoke("/SUBSCRIPTIONS/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c", func(k string) bool { return k == "new" }); n != 1 {
		t.Fatalf("revoked %d streams, want the old key's one", n)
	}
	if err := ended(oldKey, time.Second); !errors.Is(err, ErrRevoked) {
		t.Fatalf("the old key's stream: %v, want ErrRevoked", err)
	}
	if err := ended(newKey, 50*time.Millisecond); err != nil {
		t.Fatalf("the kept key's stream ended: %v", err)
	}
	if err := ended(other, 50*time.Millisecond); err != nil {
		t.Fatalf("another subject's stream ended: %v", err)
	}
	r.Revoke("/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c", nil)
	if err := ended(newKey, time.Second); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoking without keep: %v, want ErrRevoked", err)
	}
}

func TestAHeldStreamEndsAtExpiry(t *testing.T) {
	r := NewRevocations(nil)
	start := time.Now()
	ctx, release := r.Hold(t.Context(), Credential{Subject: "token:t1", NotAfter: start.Add(100 * time.Millisecond)})
	defer release()
	if err := ended(ctx, 5*time.Second); !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: %v, want ErrExpired", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("ended after %s, before the expiry", d)
	}
	past, releasePast := r.Hold(t.Context(), Credential{Subject: "token:t2", NotAfter: start.Add(-time.Hour)})
	defer releasePast()
	if err := ended(past, time.Second); !errors.Is(err, ErrExpired) {
		t.Fatalf("an already expired credential: %v, want ErrExpired", err)
	}
}

func TestReleaseForgetsTheStream(t *testing.T) {
	r := NewRevocations(nil)
	_, release := r.Hold(t.Context(), Credential{Subject: "token:t1"})
	if !r.Holds("token:t1") {
		t.Fatal("the held subject is not reported")
	}
	release()
	if r.Holds("token:t1") || r.Revoke("token:t1", nil) != 0 {
		t.Fatal("a released stream is still held")
	}
}

func TestARevokedTokenEndsItsStreamsAndLaterHolds(t *testing.T) {
	backing := newFakeStore()
	ctx := t.Context()
	if err := backing.CreateToken(ctx, &store.Token{ID: "t1", Name: "ci", Hash: HashSecret("s1"), Role: "Reader", Scope: "/"}); err != nil {
		t.Fatal(err)
	}
	cache := &TokenCache{Store: backing, Revocations: NewRevocations(nil)}
	cred := Credential{Subject: TokenSubject("t1")}
	watch, release := cache.Revocations.Hold(ctx, cred)
	defer release()
	if err := cache.RevokeToken(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if err := ended(watch, time.Second); !errors.Is(err, ErrRevoked) {
		t.Fatalf("the token's open stream: %v, want ErrRevoked", err)
	}
	// A request authenticated just before the revocation holds the token just after it.
	late, releaseLate := cache.Revocations.Hold(ctx, cred)
	defer releaseLate()
	if err := ended(late, time.Second); !errors.Is(err, ErrRevoked) {
		t.Fatalf("a stream held after the revocation: %v, want ErrRevoked", err)
	}
}

// TestRevokedForeverIsForgottenByTheRevocationsClock: the tombstones of subjects revoked
// for good expire by the Revocations' clock, not the wall clock.
func TestRevokedForeverIsForgottenByTheRevocationsClock(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	r := NewRevocations(func() time.Time { return now })
	r.RevokeForever("token:old")
	now = now.Add(tombstoneTTL + time.Minute)
	r.RevokeForever("token:other") // purges the expired tombstones
	ctx, release := r.Hold(t.Context(), Credential{Subject: "token:old"})
	defer release()
	if err := ended(ctx, 50*time.Millisecond); err != nil {
		t.Fatalf("a stream held %s after the tombstone expired ended: %v", tombstoneTTL+time.Minute, err)
	}
}

// TestRevokeWithCauseKeepsTheCause: the ended contexts carry the cause, which still is a
// revocation.
func TestRevokeWithCauseKeepsTheCause(t *testing.T) {
	r := NewRevocations(nil)
	ctx, release := r.Hold(t.Context(), Credential{Subject: "c"})
	defer release()
	cause := fmt.Errorf("the cluster was deleted: %w", ErrRevoked)
	if n := r.RevokeWithCause("C", nil, cause); n != 1 {
		t.Fatalf("revoked %d streams, want 1", n)
	}
	if err := ended(ctx, time.Second); err != cause || !errors.Is(err, ErrRevoked) { //nolint:errorlint // the very cause
		t.Fatalf("cause = %v, want %v", err, cause)
	}
}
