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
	"crypto/rand"
	"crypto/subtle"
	"sync"
	"time"
)

// cookieName has the __Host- prefix: the browser keeps it only when Secure, for this host and
// path "/".
const cookieName = "__Host-kubearc-portal"

// session is a signed-in browser. The token stays in the hub's memory: the browser holds only
// the session's random ID.
type session struct {
	id, csrf string
	token    string
	created  time.Time
	lastSeen time.Time
}

// sessions are the hub's signed-in browsers, in memory: a second hub replica does not know
// them (docs/portal.md).
type sessions struct {
	mu        sync.Mutex
	byID      map[string]*session
	idle, max time.Duration
	now       func() time.Time
}

func newSessions(idle, maxAge time.Duration, now func() time.Time) *sessions {
	return &sessions{byID: map[string]*session{}, idle: idle, max: maxAge, now: now}
}

// create starts a session for token.
func (s *sessions) create(token string) *session {
	now := s.now()
	ses := &session{id: rand.Text(), csrf: rand.Text(), token: token, created: now, lastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	s.byID[ses.id] = ses
	return ses
}

// use returns the live session id and marks it used; expired is true when id was a session
// that has timed out (it is gone now).
func (s *sessions) use(id string) (ses *session, expired bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	if s.expiredLocked(ses, now) {
		delete(s.byID, id)
		return nil, true
	}
	ses.lastSeen = now
	return ses, false
}

// end signs a session out.
func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

func (s *sessions) expiredLocked(ses *session, now time.Time) bool {
	return now.Sub(ses.lastSeen) >= s.idle || now.Sub(ses.created) >= s.max
}

// pruneLocked forgets the expired sessions, so that abandoned ones do not pile up.
func (s *sessions) pruneLocked(now time.Time) {
	for id, ses := range s.byID {
		if s.expiredLocked(ses, now) {
			delete(s.byID, id)
		}
	}
}

// validCSRF reports whether a form's token is the session's, in constant time.
func (ses *session) validCSRF(token string) bool {
	return subtle.ConstantTimeCompare([]byte(token), []byte(ses.csrf)) == 1
}

// peek returns the live session id without marking it used: an open page's live updates do
// not keep an idle session alive.
func (s *sessions) peek(id string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, ok := s.byID[id]
	if !ok || s.expiredLocked(ses, s.now()) {
		return nil, false
	}
	return ses, true
}
