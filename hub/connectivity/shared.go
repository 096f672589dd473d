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

package connectivity

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Refresh takes from the store the heartbeats that other hub replicas wrote behind and that
// are newer than this replica's: with several replicas, an agent heartbeats to one of them,
// and the others learn of it through the store. A cluster's last heartbeat only moves
// forward, so an agent moving from one replica to another never looks Offline. A cluster
// another replica deleted (its runtime gone from the store) is dropped, unless this replica
// holds news of it still to be written. Refresh does not run during a Flush: an entry being
// written is neither dirty nor in the store yet.
func (t *Tracker) Refresh(ctx context.Context) error {
	t.flushing.Lock()
	defer t.flushing.Unlock()
	rts, err := t.store.ListRuntimes(ctx)
	if err != nil {
		return fmt.Errorf("reading the heartbeats of other replicas: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	stored := make(map[string]bool, len(rts))
	for _, rt := range rts {
		stored[key(rt.ClusterID)] = true
		e, ok := t.state[key(rt.ClusterID)]
		switch {
		case !ok:
			t.state[key(rt.ClusterID)] = &entry{rt: rt}
		case rt.LastHeartbeat.After(e.rt.LastHeartbeat):
			// Another replica has the agent now; what this one holds is older.
			if rt.CertificateNotAfter.Before(e.rt.CertificateNotAfter) {
				rt.CertificateNotAfter = e.rt.CertificateNotAfter
			}
			e.rt, e.dirty = rt, false
		}
	}
	for k, e := range t.state {
		if !e.dirty && !stored[k] {
			delete(t.state, k)
		}
	}
	return nil
}

// RunRefresh refreshes every interval until ctx ends.
func (t *Tracker) RunRefresh(ctx context.Context, interval time.Duration, log *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := t.Refresh(ctx); err != nil && ctx.Err() == nil {
				log.Warn("Refreshing the heartbeats of other replicas failed; will retry", "error", err)
			}
		}
	}
}
