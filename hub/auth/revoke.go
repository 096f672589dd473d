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
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Credential is what a long-lived stream (a watch, a tunnel, a proxied watch or exec) was
// admitted with.
type Credential struct {
	// Subject is what a revocation names: a cluster ID (case-insensitive) or TokenSubject.
	Subject string
	// Key tells credentials of one subject apart, e.g. the agent key a client certificate
	// certifies; a revocation may keep the holders of one key.
	Key string
	// NotAfter is when the credential expires by itself; zero for never.
	NotAfter time.Time
}

// TokenSubject is the Credential subject of the hub token with ID id.
func TokenSubject(id string) string { return "token:" + id }

// Revocations is the hub's one revocation signal: every long-lived stream holds its
// credential here, and a revocation ends, at once, the context of every stream held with it.
// New kinds of streams (an agent's log follow) join by holding their credential too.
type Revocations struct {
	now  func() time.Time
	mu   sync.Mutex
	held map[string]map[*holder]struct{} // lower-case subject → holders
	// gone remembers, for tombstoneTTL, subjects revoked for good, so that a stream admitted
	// just before the revocation but held just after it ends too.
	gone map[string]time.Time
}

// tombstoneTTL is how long a subject revoked for good is remembered: far longer than a
// request takes from authentication to holding its credential.
const tombstoneTTL = 10 * time.Minute

// holder is one held stream.
type holder struct {
	key    string
	cancel context.CancelCauseFunc
}

// NewRevocations returns Revocations whose expiries follow now (nil: time.Now).
func NewRevocations(now func() time.Time) *Revocations {
	if now == nil {
		now = time.Now
	}
	return &Revocations{now: now, held: map[string]map[*holder]struct{}{}, gone: map[string]time.Time{}}
}

// Hold returns a context that ends with parent, when c expires (by the Revocations' clock)
// and when c is revoked; context.Cause tells which. release must be called when the stream
// ends.
func (r *Revocations) Hold(parent context.Context, c Credential) (ctx context.Context, release func()) {
	ctx, cancel := context.WithCancelCause(parent)
	h := &holder{key: c.Key, cancel: cancel}
	subject := strings.ToLower(c.Subject)
	r.mu.Lock()
	if r.held[subject] == nil {
		r.held[subject] = map[*holder]struct{}{}
	}
	r.held[subject][h] = struct{}{}
	_, gone := r.gone[subject]
	r.mu.Unlock()
	if gone {
		r.Revoke(subject, nil)
	}
	stop := func() bool { return true }
	if !c.NotAfter.IsZero() {
		stop = time.AfterFunc(c.NotAfter.Sub(r.now()), func() { cancel(ErrExpired) }).Stop
	}
	return ctx, func() {
		stop()
		r.forget(subject, h)
		cancel(context.Canceled)
	}
}

// forget drops a released holder.
func (r *Revocations) forget(subject string, h *holder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.held[subject], h)
	if len(r.held[subject]) == 0 {
		delete(r.held, subject)
	}
}

// Holds reports whether any stream holds a credential of subject.
func (r *Revocations) Holds(subject string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.held[strings.ToLower(subject)]) > 0
}

// Subjects returns the (lower-case) subjects of the credentials that streams hold now.
func (r *Revocations) Subjects() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Collect(maps.Keys(r.held))
}

// Revoke ends the streams held with a credential of subject, except those whose key keep
// accepts (nil keeps none), and returns how many it ended. Their contexts end with the
// cause ErrRevoked.
func (r *Revocations) Revoke(subject string, keep func(key string) bool) int {
	return r.RevokeWithCause(subject, keep, ErrRevoked)
}

// RevokeWithCause is Revoke with another cause for the ended contexts, one that wraps
// ErrRevoked so that every holder still sees a revocation; a stream that knows the cause
// may act on it (a watch of a deleted cluster first sends the deletions).
func (r *Revocations) RevokeWithCause(subject string, keep func(key string) bool, cause error) int {
	subject = strings.ToLower(subject)
	r.mu.Lock()
	var ended []*holder
	for h := range r.held[subject] {
		if keep == nil || !keep(h.key) {
			ended = append(ended, h)
			delete(r.held[subject], h)
		}
	}
	if len(r.held[subject]) == 0 {
		delete(r.held, subject)
	}
	r.mu.Unlock()
	for _, h := range ended {
		h.cancel(cause)
	}
	return len(ended)
}

// RevokeForever revokes subject like Revoke and also ends the streams that hold it in the
// next tombstoneTTL: for credentials that never come back, such as a revoked token.
func (r *Revocations) RevokeForever(subject string) int {
	now := r.now()
	r.mu.Lock()
	for s, at := range r.gone {
		if now.Sub(at) > tombstoneTTL {
			delete(r.gone, s)
		}
	}
	r.gone[strings.ToLower(subject)] = now
	r.mu.Unlock()
	return r.Revoke(subject, nil)
}

// Causes with which Revocations ends a held context (context.Cause).
var (
	// ErrRevoked: the credential was revoked (a token revoked, a cluster deleted or re-keyed).
	ErrRevoked = errors.New("the credential was revoked")
	// ErrExpired: the credential reached its expiry.
	ErrExpired = errors.New("the credential expired")
)
