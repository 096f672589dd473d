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

package replica

import (
	"context"
	"log/slog"
	"time"
)

// Leader elects one replica for the fleet-wide background work (policy resync, retention,
// compaction, timeouts of resources on custom locations).
type Leader interface {
	// Lead runs work while this replica leads, with a context that ends when it stops
	// leading or ctx ends, and again each time it becomes leader anew; it returns when ctx
	// ends and work has returned.
	Lead(ctx context.Context, work func(ctx context.Context))
}

// Always is the leader of a hub that is alone on its store (SQLite): it always leads.
type Always struct{}

// Lead runs work until ctx ends.
func (Always) Lead(ctx context.Context, work func(ctx context.Context)) { work(ctx) }

// LeaseStore is the part of the store a Lease needs (store.Replicas).
type LeaseStore interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Lease elects the leader through a lease in the store: the leader renews it every Renew;
// a leader that cannot renew it stops leading before it expires, and the other replicas try
// to take it every Renew, so a dead leader is replaced within TTL + Renew.
type Lease struct {
	Store LeaseStore
	// Name is the lease's name, Holder this replica's ID.
	Name, Holder string
	// TTL is how long the lease lasts unrenewed (default 15s); Renew how often it is
	// renewed or tried (default TTL/3).
	TTL, Renew time.Duration
	Log        *slog.Logger
}

// Lead runs work while this replica holds the lease.
func (l *Lease) Lead(ctx context.Context, work func(ctx context.Context)) {
	ttl, renew := l.timing()
	ticker := time.NewTicker(renew)
	defer ticker.Stop()
	defer l.release(ctx)
	for {
		if validUntil, held := l.acquire(ctx, ttl); held {
			l.lead(ctx, ticker, validUntil, work)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// lead runs work until the lease is lost or ctx ends. A failed renewal keeps the lead only
// while the lease surely outlasts the next attempt, so that two replicas never lead at once.
func (l *Lease) lead(ctx context.Context, ticker *time.Ticker, validUntil time.Time, work func(ctx context.Context)) {
	ttl, renew := l.timing()
	l.log().Info("This replica leads the fleet-wide background work", "replica", l.Holder)
	workCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); work(workCtx) }()
	defer func() { stop(); <-done }()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		next, held, err := l.try(ctx, ttl)
		switch {
		case err == nil && held:
			validUntil = next
		case err == nil:
			l.log().Warn("Another replica took the lead", "replica", l.Holder)
			return
		case time.Now().Add(renew).After(validUntil):
			l.log().Warn("This replica stops leading: the lease could not be renewed", "replica", l.Holder, "error", err)
			return
		}
	}
}

// acquire tries to take or renew the lease, logging a failure.
func (l *Lease) acquire(ctx context.Context, ttl time.Duration) (time.Time, bool) {
	validUntil, held, err := l.try(ctx, ttl)
	if err != nil && ctx.Err() == nil {
		l.log().Warn("Taking the leader lease failed", "replica", l.Holder, "error", err)
	}
	return validUntil, held
}

// try takes or renews the lease and returns until when it surely holds: ttl from before
// the call, by this replica's clock.
func (l *Lease) try(ctx context.Context, ttl time.Duration) (time.Time, bool, error) {
	start := time.Now()
	callCtx, cancel := context.WithTimeout(ctx, ttl/3)
	defer cancel()
	held, err := l.Store.AcquireLease(callCtx, l.Name, l.Holder, ttl)
	return start.Add(ttl), held && err == nil, err
}

// release frees the lease at shutdown, so that another replica leads at once.
func (l *Lease) release(ctx context.Context) {
	releaseCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.Store.ReleaseLease(releaseCtx, l.Name, l.Holder); err != nil {
		l.log().Warn("Releasing the leader lease failed; another replica leads once it expires", "error", err)
	}
}

func (l *Lease) timing() (ttl, renew time.Duration) {
	ttl, renew = l.TTL, l.Renew
	if ttl <= 0 {
		ttl = 15 * time.Second
	}
	if renew <= 0 || renew >= ttl {
		renew = ttl / 3
	}
	return ttl, renew
}

func (l *Lease) log() *slog.Logger {
	if l.Log == nil {
		return slog.Default()
	}
	return l.Log
}
