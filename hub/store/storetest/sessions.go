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
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// sessionAt is a portal session called id of token, signed in at created.
func sessionAt(id, token string, created time.Time) *store.PortalSession {
	idHash, tokenHash := sha256.Sum256([]byte(id)), sha256.Sum256([]byte(token))
	return &store.PortalSession{IDHash: idHash[:], TokenHash: tokenHash[:], SealedToken: "sealed-" + token,
		CSRF: "csrf-" + id, CreatedAt: created, LastSeen: created}
}

// liveSessions returns which of ids the store still has.
func liveSessions(t *testing.T, s store.Store, ids ...string) map[string]bool {
	t.Helper()
	live := map[string]bool{}
	for _, id := range ids {
		h := sha256.Sum256([]byte(id))
		_, err := s.GetPortalSession(t.Context(), h[:])
		switch {
		case err == nil:
			live[id] = true
		case !errors.Is(err, store.ErrNotFound):
			t.Fatalf("GetPortalSession(%s) = %v", id, err)
		}
	}
	return live
}

// testPortalSessions: a session reads back as stored; its last use only moves forward; it
// ends once deleted, and deleting it again is no error.
func testPortalSessions(t *testing.T, s store.Store) {
	ctx, at := t.Context(), time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	want := sessionAt("s1", "token-a", at)
	if err := s.CreatePortalSession(ctx, want, store.PortalSessionCaps{Max: 10, PerToken: 10}); err != nil {
		t.Fatalf("CreatePortalSession = %v", err)
	}
	for _, touch := range []time.Time{at.Add(time.Minute), at.Add(30 * time.Second)} {
		if err := s.TouchPortalSession(ctx, want.IDHash, touch); err != nil {
			t.Fatalf("TouchPortalSession = %v", err)
		}
	}
	got, err := s.GetPortalSession(ctx, want.IDHash)
	if err != nil {
		t.Fatalf("GetPortalSession = %v", err)
	}
	if !bytes.Equal(got.TokenHash, want.TokenHash) || got.SealedToken != want.SealedToken || got.CSRF != want.CSRF ||
		!got.CreatedAt.Equal(at) || !got.LastSeen.Equal(at.Add(time.Minute)) {
		t.Errorf("GetPortalSession = %+v, want %+v last seen a minute later", got, want)
	}
	for range 2 {
		if err := s.DeletePortalSession(ctx, want.IDHash); err != nil {
			t.Fatalf("DeletePortalSession = %v", err)
		}
	}
	_, err = s.GetPortalSession(ctx, want.IDHash)
	wantErrorIs(t, "GetPortalSession of a deleted session", err, store.ErrNotFound)
	if err := s.TouchPortalSession(ctx, want.IDHash, at.Add(time.Hour)); err != nil {
		t.Fatalf("TouchPortalSession of a deleted session = %v", err)
	}
	if err := s.CreatePortalSession(ctx, &store.PortalSession{}, store.PortalSessionCaps{Max: 1, PerToken: 1}); err == nil {
		t.Error("CreatePortalSession of an empty session succeeded")
	}
}

// testPortalSessionNeedsFormToken: a session without a form token is refused (an empty form's
// token would pass its check) and not stored.
func testPortalSessionNeedsFormToken(t *testing.T, s store.Store) {
	noCSRF := sessionAt("s1", "token-a", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	noCSRF.CSRF = ""
	if err := s.CreatePortalSession(t.Context(), noCSRF, store.PortalSessionCaps{Max: 10, PerToken: 10}); err == nil {
		t.Error("CreatePortalSession of a session without a form token succeeded")
	}
	if got := liveSessions(t, s, "s1"); len(got) != 0 {
		t.Errorf("the session without a form token was stored: %v", got)
	}
}

// testPortalSessionCaps: past the per-token cap or the cap of all, a new session ends the
// oldest; pruning removes the sessions unused or signed in too long ago.
func testPortalSessionCaps(t *testing.T, s store.Store) {
	ctx, at := t.Context(), time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	caps := store.PortalSessionCaps{Max: 3, PerToken: 2}
	for _, c := range []struct{ id, token string }{{"a1", "a"}, {"a2", "a"}, {"a3", "a"}, {"b1", "b"}, {"c1", "c"}} {
		if err := s.CreatePortalSession(ctx, sessionAt(c.id, c.token, at), caps); err != nil {
			t.Fatalf("CreatePortalSession(%s) = %v", c.id, err)
		}
	}
	if got := liveSessions(t, s, "a1", "a2", "a3", "b1", "c1"); fmt.Sprint(got) != "map[a3:true b1:true c1:true]" {
		t.Errorf("live sessions after the caps: %v, want a3 b1 c1 (a1 past a's cap, a2 past the cap of all)", got)
	}

	caps = store.PortalSessionCaps{Max: 10, PerToken: 10}
	old := sessionAt("old", "d", at.Add(-13*time.Hour))
	old.LastSeen = at
	idle := sessionAt("idle", "d", at.Add(-time.Hour))
	for _, ps := range []*store.PortalSession{old, idle, sessionAt("fresh", "d", at)} {
		if err := s.CreatePortalSession(ctx, ps, caps); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PrunePortalSessions(ctx, at.Add(-30*time.Minute), at.Add(-12*time.Hour)); err != nil {
		t.Fatalf("PrunePortalSessions = %v", err)
	}
	if got := liveSessions(t, s, "old", "idle", "fresh"); fmt.Sprint(got) != "map[fresh:true]" {
		t.Errorf("live sessions after pruning: %v, want fresh only", got)
	}
}

// testPortalSessionCapsUnderConcurrency: sign-ins of one token at once, on any replica, keep
// at most the per-token cap.
func testPortalSessionCapsUnderConcurrency(t *testing.T, s store.Store) {
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	ids := make([]string, 12)
	for i := range ids {
		ids[i] = fmt.Sprint("s", i)
		wg.Go(func() {
			if err := s.CreatePortalSession(t.Context(), sessionAt(ids[i], "t", at), store.PortalSessionCaps{Max: 100, PerToken: 3}); err != nil {
				t.Errorf("CreatePortalSession(%s) = %v", ids[i], err)
			}
		})
	}
	wg.Wait()
	if got := liveSessions(t, s, ids...); len(got) != 3 {
		t.Errorf("%d sessions of one token after concurrent sign-ins, want 3: %v", len(got), got)
	}
}

// testPortalSignInsAcrossReplicas: many sign-ins at once through two stores on one database
// (two hub replicas), some past the caps, all succeed (none loses its races to the others),
// and the caps hold.
func testPortalSignInsAcrossReplicas(t *testing.T, open Opener) {
	name := storeName(t)
	replicas := []store.Store{openStore(t, open, name), openStore(t, open, name)}
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	caps := store.PortalSessionCaps{Max: 8, PerToken: 3}
	const signIns, tokens = 40, 4
	var wg sync.WaitGroup
	ids := make([]string, signIns)
	for i := range ids {
		ids[i] = fmt.Sprint("s", i)
		wg.Go(func() {
			ps := sessionAt(ids[i], fmt.Sprint("t", i%tokens), at.Add(time.Duration(i)*time.Second))
			if err := replicas[i%2].CreatePortalSession(t.Context(), ps, caps); err != nil {
				t.Errorf("CreatePortalSession(%s) = %v", ids[i], err)
			}
		})
	}
	wg.Wait()
	live := liveSessions(t, replicas[0], ids...)
	perToken := map[int]int{}
	for i, id := range ids {
		if live[id] {
			perToken[i%tokens]++
		}
	}
	if len(live) != caps.Max {
		t.Errorf("%d sessions after %d sign-ins at once, want the cap of all, %d: %v", len(live), signIns, caps.Max, live)
	}
	for token, n := range perToken {
		if n > caps.PerToken {
			t.Errorf("token t%d has %d sessions after sign-ins at once, want at most %d", token, n, caps.PerToken)
		}
	}
}
