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

package events

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// RemoteChanges is the changes other hub replicas commit to a shared store, e.g. through
// PostgreSQL's LISTEN/NOTIFY: a store that several replicas share implements it.
type RemoteChanges interface {
	// Listen calls changed with the ID of each cluster whose desired state or resource a
	// committed transaction changed, on any replica, until ctx ends or listening fails,
	// and returns why; for a revoked token, changed gets TokenPayloadPrefix and the
	// token's ID instead. Once it listens, and before any changed, it calls listening:
	// notifications sent while nobody listened are lost, and the caller catches up.
	Listen(ctx context.Context, listening func(), changed func(clusterID string)) error
}

// TokenPayloadPrefix starts what RemoteChanges reports for a token revoked on any replica;
// the token's ID follows. No cluster ID starts with it.
const TokenPayloadPrefix = "token:"

// RemoteRevocations is told of the tokens revoked through other replicas.
type RemoteRevocations interface {
	// TokenRevoked ends, on this replica, what was allowed with the token of this ID.
	TokenRevoked(id string)
	// RecheckTokens ends what is held with tokens no longer live in the store: after
	// notifications may have been lost.
	RecheckTokens(ctx context.Context) error
}

// Follow wakes this replica's watches with the changes src reports, and ends the streams of
// the tokens it reports revoked (tokens may be nil), until ctx ends. Each time src
// (re)starts listening, every watch wakes: it reads what it missed from the store by its
// resourceVersion, so a lost notification delays a change, it never loses it; and tokens
// rechecks the held tokens against the store. A failed Listen is retried with a capped
// backoff.
func (b *Broadcaster) Follow(ctx context.Context, src RemoteChanges, tokens RemoteRevocations, log *slog.Logger) {
	backoff := wait.Backoff{Duration: 100 * time.Millisecond, Factor: 2, Jitter: 0.2, Steps: 1 << 30, Cap: 5 * time.Second}
	listening := func() {
		b.NotifyAll()
		if tokens == nil {
			return
		}
		if err := tokens.RecheckTokens(ctx); err != nil && ctx.Err() == nil {
			log.Warn("Rechecking the tokens of open streams failed; they are rechecked when listening resumes", "error", err)
		}
	}
	changed := func(payload string) {
		id, ok := strings.CutPrefix(payload, TokenPayloadPrefix)
		switch {
		case !ok:
			b.Notify(payload)
		case tokens != nil:
			tokens.TokenRevoked(id)
		}
	}
	for ctx.Err() == nil {
		started := time.Now()
		err := src.Listen(ctx, listening, changed)
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > time.Minute { // it listened a while: start over quickly
			backoff.Steps, backoff.Duration = 1<<30, 100*time.Millisecond
		}
		delay := backoff.Step()
		log.Warn("Listening to other replicas' changes failed; watches catch up when it resumes", "error", err, "retryIn", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

// NotifyAll wakes every subscriber and tells the OnChange listeners about each subscribed
// cluster: after notifications may have been lost.
func (b *Broadcaster) NotifyAll() {
	b.mu.Lock()
	clusters := make([]string, 0, len(b.subs))
	for key := range b.subs {
		clusters = append(clusters, key)
	}
	b.mu.Unlock()
	for _, id := range clusters {
		b.Notify(id)
	}
}
