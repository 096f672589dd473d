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

package portal

import (
	"testing"
	"time"
)

// A token keeps at most MaxSessionsPerToken sessions and the hub MaxSessions: past either
// cap, signing in ends the oldest.
func TestSessionCaps(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSessions(Options{IdleTimeout: time.Hour, MaxSessionAge: time.Hour, MaxSessions: 3, MaxSessionsPerToken: 2,
		Now: func() time.Time { return now }})
	a1, a2, a3 := s.create("a"), s.create("a"), s.create("a") // a1 ends: a has 2
	b1, c1 := s.create("b"), s.create("c")                    // a2 ends: the hub has 3
	for i, tc := range []struct {
		ses  *session
		live bool
	}{{a1, false}, {a2, false}, {a3, true}, {b1, true}, {c1, true}} {
		if got, _ := s.use(tc.ses.id); (got != nil) != tc.live {
			t.Errorf("session %d (token %s): live %v, want %v", i, tc.ses.token, got != nil, tc.live)
		}
	}
	if n := s.order.Len(); n != 3 || len(s.byID) != 3 || s.byToken["a"].Len() != 1 {
		t.Errorf("held %d sessions (%d by ID, %d of token a), want 3, 3, 1", n, len(s.byID), s.byToken["a"].Len())
	}
}

// Expired sessions are forgotten at most once a pruneEvery, not on every sign-in.
func TestSessionsArePrunedOnATimer(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := now
	s := newSessions(Options{IdleTimeout: time.Minute, MaxSessionAge: time.Hour, MaxSessions: 100, MaxSessionsPerToken: 100,
		Now: func() time.Time { return now }})
	at := func(d time.Duration, token string) { now = start.Add(d); s.create(token) }
	held := func(want int, when string) {
		t.Helper()
		if len(s.byID) != want || s.order.Len() != want {
			t.Errorf("%s: %d sessions held, want %d", when, len(s.byID), want)
		}
	}
	at(0, "x")
	at(30*time.Second, "y")
	at(61*time.Second, "z") // prunes: x idle 61s
	held(2, "after the first prune")
	at(95*time.Second, "w") // y idle 65s, but the last prune was 34s ago
	held(3, "between prunes")
	at(121*time.Second, "v") // prunes: y and z idle 60s or more
	held(2, "after the second prune")
}
