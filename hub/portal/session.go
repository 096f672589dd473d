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
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/seal"
)

// cookieName has the __Host- prefix: the browser keeps it only when Secure, for this host and
// path "/".
const cookieName = "__Host-kubearc-portal"

// pruneEvery is how often a replica removes the expired sessions from the store, so that
// abandoned ones do not pile up between the caps.
const pruneEvery = time.Minute

// touchEvery is how often, at most, a session's last use is written: not a write per request.
const touchEvery = time.Minute

// session is a signed-in browser, read from the store for one request. The browser holds only
// the session's random ID; the store its hash, and the token sealed with the hub's data key.
type session struct {
	id, csrf string
	idHash   []byte
	token    string
	created  time.Time
	lastSeen time.Time
}

// sessions are the portal's signed-in browsers, kept in the store so that every replica of
// the hub knows them and a sign-out on one is a sign-out on all (docs/portal.md). There is no
// copy in memory: every request reads its session's row. There are at most caps.Max of them
// and caps.PerToken for one token: a new one past a cap ends the oldest.
type sessions struct {
	store     store.PortalSessions
	key       []byte
	idle, age time.Duration
	caps      store.PortalSessionCaps
	now       func() time.Time
	log       *slog.Logger
	mu        sync.Mutex
	pruned    time.Time
}

func newSessions(st store.PortalSessions, dataKey []byte, opts Options) *sessions {
	return &sessions{store: st, key: dataKey, idle: opts.IdleTimeout, age: opts.MaxSessionAge,
		caps: store.PortalSessionCaps{Max: opts.MaxSessions, PerToken: opts.MaxSessionsPerToken}, now: opts.Now, log: opts.Log,
		pruned: opts.Now()}
}

// create starts a session for token, ending the oldest one past a cap.
func (s *sessions) create(ctx context.Context, token string) (*session, error) {
	now := s.now()
	s.prune(ctx, now)
	sealed, err := seal.WithKey(s.key, []byte(token))
	if err != nil {
		return nil, fmt.Errorf("sealing the session's token: %w", err)
	}
	ses := &session{id: rand.Text(), csrf: rand.Text(), token: token, created: now, lastSeen: now}
	ses.idHash = hashOf(ses.id)
	err = s.store.CreatePortalSession(ctx, &store.PortalSession{IDHash: ses.idHash, TokenHash: hashOf(token), SealedToken: sealed,
		CSRF: ses.csrf, CreatedAt: now, LastSeen: now}, s.caps)
	if err != nil {
		return nil, err
	}
	return ses, nil
}

// prune removes the expired sessions when the last prune of this replica was pruneEvery ago.
// A failed prune does not fail the sign-in (it is logged): the next one, a pruneEvery later,
// removes them, and the caps bound them meanwhile.
func (s *sessions) prune(ctx context.Context, now time.Time) {
	s.mu.Lock()
	due := now.Sub(s.pruned) >= pruneEvery
	if due {
		s.pruned = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if err := s.store.PrunePortalSessions(ctx, now.Add(-s.idle), now.Add(-s.age)); err != nil {
		s.log.Warn("Removing the expired portal sessions failed; the next sign-in after a minute tries again", "error", err)
	}
}

// use returns the live session id and marks it used (written at most every touchEvery);
// expired is true when id was a session that has timed out (it is gone now). An error is the
// store's: the session could not be checked.
func (s *sessions) use(ctx context.Context, id string) (ses *session, expired bool, err error) {
	now := s.now()
	ses, expired, err = s.read(ctx, id, now)
	if ses == nil || err != nil {
		return nil, expired, err
	}
	// A failed write of the last use only brings the idle timeout closer; the next request
	// writes it again.
	if now.Sub(ses.lastSeen) >= min(touchEvery, s.idle/10) && s.store.TouchPortalSession(ctx, ses.idHash, now) == nil {
		ses.lastSeen = now
	}
	return ses, false, nil
}

// peek returns the live session id without marking it used: an open page's live updates do
// not keep an idle session alive. nil when the session ended.
func (s *sessions) peek(ctx context.Context, id string) (*session, error) {
	ses, _, err := s.read(ctx, id, s.now())
	return ses, err
}

// read reads the session id from the store and opens its token. A session timed out at now is
// removed (expired true); one whose token does not open with the data key is removed too.
func (s *sessions) read(ctx context.Context, id string, now time.Time) (ses *session, expired bool, err error) {
	idHash := hashOf(id)
	row, err := s.store.GetPortalSession(ctx, idHash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if now.Sub(row.LastSeen) >= s.idle || now.Sub(row.CreatedAt) >= s.age {
		return nil, true, s.store.DeletePortalSession(ctx, idHash)
	}
	token, err := seal.OpenWithKey(s.key, row.SealedToken)
	if err != nil {
		return nil, false, s.store.DeletePortalSession(ctx, idHash)
	}
	return &session{id: id, csrf: row.CSRF, idHash: idHash, token: string(token), created: row.CreatedAt, lastSeen: row.LastSeen}, false, nil
}

// end signs a session out, on every replica.
func (s *sessions) end(ctx context.Context, ses *session) error {
	return s.store.DeletePortalSession(ctx, ses.idHash)
}

// validCSRF reports whether a form's token is the session's, in constant time. An empty one
// is never valid, whatever the session holds.
func (ses *session) validCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(ses.csrf)) == 1
}

// hashOf is the SHA-256 of a session ID or a token, as the store keeps them.
func hashOf(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
