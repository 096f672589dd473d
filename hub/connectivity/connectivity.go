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

// Package connectivity tracks the agents' heartbeats and derives each cluster's connectivity
// status: Connecting until the first heartbeat, Connected while heartbeats arrive, Offline
// after a silence, Expired when the agent's certificate lapsed without renewal.
//
// Heartbeats are held in memory and written behind to the store in batches: a hub with
// thousands of clusters does not write a database row per beat.
package connectivity

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Status is a cluster's connectivity status, with the values of the ARM API.
type Status string

// Connectivity statuses.
const (
	Connecting Status = "Connecting"
	Connected  Status = "Connected"
	Offline    Status = "Offline"
	Expired    Status = "Expired"
)

// Options tune the status thresholds.
type Options struct {
	// OfflineAfter is the silence after which a cluster is Offline (default 5m).
	OfflineAfter time.Duration
	// ExpiredAfter is how long the agent's certificate must have been expired, without
	// renewal, before the cluster is Expired (default 0: as soon as it lapses).
	ExpiredAfter time.Duration
	// FlushTimeout bounds one write-behind of heartbeats, the final one at shutdown too
	// (default 30s).
	FlushTimeout time.Duration
	// Now is the clock; tests inject one.
	Now func() time.Time
}

// Tracker holds every cluster's last heartbeat in memory.
type Tracker struct {
	store store.Store
	opts  Options

	mu    sync.Mutex
	state map[string]*entry
	// flushing is held by Flush and Refresh, so that Refresh never reads the store while
	// entries are on their way to it (see Refresh).
	flushing sync.Mutex
}

type entry struct {
	rt    store.Runtime
	dirty bool
}

// NewTracker returns a Tracker writing behind to st.
func NewTracker(st store.Store, opts Options) *Tracker {
	if opts.OfflineAfter == 0 {
		opts.OfflineAfter = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FlushTimeout <= 0 {
		opts.FlushTimeout = 30 * time.Second
	}
	return &Tracker{store: st, opts: opts, state: map[string]*entry{}}
}

// Load warms the tracker from the store, so a restarted hub remembers every cluster.
func (t *Tracker) Load(ctx context.Context) error {
	rts, err := t.store.ListRuntimes(ctx)
	if err != nil {
		return fmt.Errorf("loading agent runtimes: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, rt := range rts {
		t.state[key(rt.ClusterID)] = &entry{rt: rt}
	}
	return nil
}

// Heartbeat records a heartbeat and returns the cluster's status after it.
func (t *Tracker) Heartbeat(clusterID string, hb protocol.Heartbeat) Status {
	now := t.opts.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(clusterID)
	e.rt.Heartbeat = hb
	e.rt.LastHeartbeat = now
	e.dirty = true
	return t.status(e.rt, now)
}

// SetCertificate records the expiry of the certificate the cluster's agent was just issued.
func (t *Tracker) SetCertificate(clusterID string, notAfter time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(clusterID)
	e.rt.CertificateNotAfter = notAfter
	e.dirty = true
}

// Get returns what the agent last reported and the cluster's status now.
func (t *Tracker) Get(clusterID string) (store.Runtime, Status) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.state[key(clusterID)]
	if !ok {
		return store.Runtime{ClusterID: clusterID}, Connecting
	}
	return e.rt, t.status(e.rt, t.opts.Now())
}

// Forget drops a deleted cluster.
func (t *Tracker) Forget(clusterID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.state, key(clusterID))
}

// Counts returns how many clusters are in each status.
func (t *Tracker) Counts() map[Status]int {
	now := t.opts.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	counts := map[Status]int{}
	for _, e := range t.state {
		counts[t.status(e.rt, now)]++
	}
	return counts
}

// Connected returns the last heartbeats of the clusters that are Connected now, for what
// is reported per cluster (a deleted cluster, Forgotten, is not among them).
func (t *Tracker) Connected() []store.Runtime {
	now := t.opts.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var list []store.Runtime
	for _, e := range t.state {
		if t.status(e.rt, now) == Connected {
			list = append(list, e.rt)
		}
	}
	return list
}

// Flush writes every changed entry to the store in one batch.
func (t *Tracker) Flush(ctx context.Context) error {
	t.flushing.Lock()
	defer t.flushing.Unlock()
	t.mu.Lock()
	var batch []store.Runtime
	for _, e := range t.state {
		if e.dirty {
			batch = append(batch, e.rt)
			e.dirty = false
		}
	}
	t.mu.Unlock()
	// Short transactions: the store has one writer, and a heartbeat or a PATCH should not
	// wait behind thousands of rows.
	for len(batch) > 0 {
		chunk := batch[:min(flushChunk, len(batch))]
		batch = batch[len(chunk):]
		if err := t.store.PutRuntimes(ctx, chunk); err != nil {
			t.markDirty(chunk)
			t.markDirty(batch)
			return fmt.Errorf("writing %d heartbeats: %w", len(chunk), err)
		}
	}
	return nil
}

// flushChunk is the number of heartbeats written per transaction.
const flushChunk = 500

// Run flushes every interval until ctx ends, then flushes a last time. Each flush has a
// context of its own that ctx's end does not cancel, bounded by Options.FlushTimeout: a
// flush under way when the hub shuts down completes, and the final one writes the last
// interval's heartbeats.
func (t *Tracker) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := t.flushDetached(ctx); err != nil {
				log.Error("Final heartbeat flush failed", "error", err)
			}
			return
		case <-ticker.C:
			if err := t.flushDetached(ctx); err != nil {
				log.Error("Heartbeat flush failed; will retry", "error", err)
			}
		}
	}
}

// flushDetached flushes with a context that keeps ctx's values but not its cancellation.
func (t *Tracker) flushDetached(ctx context.Context) error {
	flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.opts.FlushTimeout)
	defer cancel()
	return t.Flush(flushCtx)
}

// markDirty marks a failed batch for the next flush, unless newer beats replaced it.
func (t *Tracker) markDirty(batch []store.Runtime) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, rt := range batch {
		if e, ok := t.state[key(rt.ClusterID)]; ok {
			e.dirty = true
		}
	}
}

func (t *Tracker) entry(clusterID string) *entry {
	k := key(clusterID)
	e, ok := t.state[k]
	if !ok {
		e = &entry{rt: store.Runtime{ClusterID: clusterID}}
		t.state[k] = e
	}
	return e
}

func (t *Tracker) status(rt store.Runtime, now time.Time) Status {
	switch {
	case !rt.CertificateNotAfter.IsZero() && now.After(rt.CertificateNotAfter.Add(t.opts.ExpiredAfter)):
		return Expired
	case rt.LastHeartbeat.IsZero():
		return Connecting
	case now.Sub(rt.LastHeartbeat) > t.opts.OfflineAfter:
		return Offline
	default:
		return Connected
	}
}

func key(clusterID string) string { return strings.ToLower(clusterID) }
