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
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/internal/syncbuf"
	"github.com/kubearc/kubearc/pkg/seal"
)

// sessionsOnSQLite are sessions over a new SQLite store, with the test's clock now, and the
// store's file opened again to count the rows it holds.
func sessionsOnSQLite(t *testing.T, opts Options, now *time.Time) (*sessions, func() int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "hub.db")
	st, err := sqlite.Open(t.Context(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	held := func() int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM portal_sessions").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	opts.Now = func() time.Time { return *now }
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return newSessions(st, key, opts), held
}

// create starts a session and fails the test on an error.
func (s *sessions) mustCreate(t *testing.T, token string) *session {
	t.Helper()
	ses, err := s.create(t.Context(), token)
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	return ses
}

// A token keeps at most MaxSessionsPerToken sessions and the hub MaxSessions: past either
// cap, signing in ends the oldest.
func TestSessionCaps(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, held := sessionsOnSQLite(t, Options{IdleTimeout: time.Hour, MaxSessionAge: time.Hour, MaxSessions: 3, MaxSessionsPerToken: 2}, &now)
	a1, a2, a3 := s.mustCreate(t, "a"), s.mustCreate(t, "a"), s.mustCreate(t, "a") // a1 ends: a has 2
	b1, c1 := s.mustCreate(t, "b"), s.mustCreate(t, "c")                           // a2 ends: the hub has 3
	for i, tc := range []struct {
		ses  *session
		live bool
	}{{a1, false}, {a2, false}, {a3, true}, {b1, true}, {c1, true}} {
		got, _, err := s.use(t.Context(), tc.ses.id)
		if err != nil {
			t.Fatal(err)
		}
		if (got != nil) != tc.live {
			t.Errorf("session %d (token %s): live %v, want %v", i, tc.ses.token, got != nil, tc.live)
		}
		if got != nil && (got.token != tc.ses.token || got.csrf != tc.ses.csrf) {
			t.Errorf("session %d read back with token %q and form token %q, want %q and %q", i, got.token, got.csrf, tc.ses.token, tc.ses.csrf)
		}
	}
	if n := held(); n != 3 {
		t.Errorf("the store holds %d sessions, want 3", n)
	}
}

// Expired sessions are forgotten at most once a pruneEvery, not on every sign-in.
func TestSessionsArePrunedOnATimer(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := now
	s, held := sessionsOnSQLite(t, Options{IdleTimeout: time.Minute, MaxSessionAge: time.Hour, MaxSessions: 100, MaxSessionsPerToken: 100}, &now)
	at := func(d time.Duration, token string) { now = start.Add(d); s.mustCreate(t, token) }
	wantHeld := func(want int, when string) {
		t.Helper()
		if n := held(); n != want {
			t.Errorf("%s: %d sessions held, want %d", when, n, want)
		}
	}
	at(0, "x")
	at(30*time.Second, "y")
	at(61*time.Second, "z") // prunes: x idle 61s
	wantHeld(2, "after the first prune")
	at(95*time.Second, "w") // y idle 65s, but the last prune was 34s ago
	wantHeld(3, "between prunes")
	at(121*time.Second, "v") // prunes: y and z idle 60s or more
	wantHeld(2, "after the second prune")
}

// A session's last use is written at most once a touch interval, and an idle session ends
// however often its live updates look at it.
func TestSessionLastUseIsWrittenSparingly(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := now
	s, _ := sessionsOnSQLite(t, Options{IdleTimeout: 30 * time.Minute, MaxSessionAge: time.Hour, MaxSessions: 10, MaxSessionsPerToken: 10}, &now)
	ses := s.mustCreate(t, "a")
	use := func(d time.Duration) *session {
		t.Helper()
		now = start.Add(d)
		got, _, err := s.use(t.Context(), ses.id)
		if err != nil || got == nil {
			t.Fatalf("using the session after %s: %v, %v", d, got, err)
		}
		return got
	}
	if got := use(30 * time.Second); !got.lastSeen.Equal(start) {
		t.Errorf("last use after 30s: %s, want the sign-in (not written yet)", got.lastSeen)
	}
	if got := use(90 * time.Second); !got.lastSeen.Equal(now) {
		t.Errorf("last use after 90s: %s, want %s", got.lastSeen, now)
	}
	now = start.Add(90*time.Second + 31*time.Minute)
	if got, err := s.peek(t.Context(), ses.id); got != nil || err != nil {
		t.Errorf("peeking at a session idle 31 minutes: %v, %v; want it ended", got, err)
	}
}

// An empty form token is never the session's, even for a session whose stored form token is
// empty (a damaged row): a form without one must not pass.
func TestEmptyFormTokenIsRefused(t *testing.T) {
	for _, c := range []struct {
		stored, sent string
		valid        bool
	}{
		{"form-token", "form-token", true},
		{"form-token", "", false},
		{"form-token", "other", false},
		{"", "", false},
	} {
		if got := (&session{csrf: c.stored}).validCSRF(c.sent); got != c.valid {
			t.Errorf("form token %q for a session with %q: valid %v, want %v", c.sent, c.stored, got, c.valid)
		}
	}
}

// failingPrune is a store whose pruning of the expired sessions fails.
type failingPrune struct{ store.PortalSessions }

func (failingPrune) PrunePortalSessions(context.Context, time.Time, time.Time) error {
	return errors.New("prune portal sessions: disk I/O error")
}

// A failed prune does not fail the sign-in, but it is logged, without the token.
func TestFailedPruneIsLogged(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	log := &syncbuf.Buffer{}
	s, _ := sessionsOnSQLite(t, Options{IdleTimeout: time.Minute, MaxSessionAge: time.Hour, MaxSessions: 10, MaxSessionsPerToken: 10,
		Log: slog.New(slog.NewTextHandler(log, nil))}, &now)
	s.store = failingPrune{s.store}
	now = now.Add(pruneEvery)
	ses := s.mustCreate(t, "secret-token")
	for _, want := range []string{"level=WARN", "Removing the expired portal sessions failed", "disk I/O error"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the hub's log after a failed prune does not say %q:\n%s", want, log.String())
		}
	}
	for _, secret := range []string{"secret-token", ses.id, ses.csrf} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the hub's log shows a secret of the session: %s", log.String())
		}
	}
}
