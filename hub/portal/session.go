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
	"container/list"
	"crypto/rand"
	"crypto/subtle"
	"sync"
	"time"
)

// cookieName has the __Host- prefix: the browser keeps it only when Secure, for this host and
// path "/".
const cookieName = "__Host-kubearc-portal"

// pruneEvery is how often the expired sessions are forgotten, so that abandoned ones do not
// pile up between the caps.
const pruneEvery = time.Minute

// session is a signed-in browser. The token stays in the hub's memory: the browser holds only
// the session's random ID.
type session struct {
	id, csrf string
	token    string
	created  time.Time
	lastSeen time.Time
	// all and mine are the session's places in the sessions' creation order, all of them and
	// its token's.
	all, mine *list.Element
}

// sessions are the hub's signed-in browsers, in memory: a second hub replica does not know
// them (docs/portal.md). There are at most max of them and perToken for one token: a new one
// past a cap ends the oldest.
type sessions struct {
	mu        sync.Mutex
	byID      map[string]*session
	order     *list.List
	byToken   map[string]*list.List
	idle, age time.Duration
	max       int
	perToken  int
	now       func() time.Time
	pruned    time.Time
}

func newSessions(opts Options) *sessions {
	return &sessions{byID: map[string]*session{}, order: list.New(), byToken: map[string]*list.List{},
		idle: opts.IdleTimeout, age: opts.MaxSessionAge, max: opts.MaxSessions, perToken: opts.MaxSessionsPerToken,
		now: opts.Now, pruned: opts.Now()}
}

// create starts a session for token, ending the oldest one past a cap.
func (s *sessions) create(token string) *session {
	now := s.now()
	ses := &session{id: rand.Text(), csrf: rand.Text(), token: token, created: now, lastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.pruned) >= pruneEvery {
		s.pruneLocked(now)
	}
	mine := s.byToken[token]
	if mine == nil {
		mine = list.New()
		s.byToken[token] = mine
	}
	for mine.Len() >= s.perToken {
		s.removeLocked(mine.Front().Value.(*session))
	}
	for s.order.Len() >= s.max {
		s.removeLocked(s.order.Front().Value.(*session))
	}
	ses.all, ses.mine = s.order.PushBack(ses), mine.PushBack(ses)
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
		s.removeLocked(ses)
		return nil, true
	}
	ses.lastSeen = now
	return ses, false
}

// end signs a session out.
func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ses, ok := s.byID[id]; ok {
		s.removeLocked(ses)
	}
}

func (s *sessions) removeLocked(ses *session) {
	delete(s.byID, ses.id)
	s.order.Remove(ses.all)
	if mine := s.byToken[ses.token]; mine != nil {
		mine.Remove(ses.mine)
		if mine.Len() == 0 {
			delete(s.byToken, ses.token)
		}
	}
}

func (s *sessions) expiredLocked(ses *session, now time.Time) bool {
	return now.Sub(ses.lastSeen) >= s.idle || now.Sub(ses.created) >= s.age
}

// pruneLocked forgets the expired sessions; create runs it at most every pruneEvery.
func (s *sessions) pruneLocked(now time.Time) {
	s.pruned = now
	for e := s.order.Front(); e != nil; {
		next := e.Next()
		if ses := e.Value.(*session); s.expiredLocked(ses, now) {
			s.removeLocked(ses)
		}
		e = next
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
