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

// Package diagnostics keeps what agents tell about themselves: their log, shipped in batches
// (hub/agentapi), and their resource use at each heartbeat (hub/connectivity writes it with
// the runtime). It serves both to users with filters and a follow mode, and applies the
// retention by age and size. docs/diagnostics.md describes it.
package diagnostics

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Defaults of Retention.
const (
	DefaultLogAge   = 7 * 24 * time.Hour
	DefaultLogBytes = 50 << 20
	DefaultUsageAge = 7 * 24 * time.Hour
)

// Retention bounds what the hub keeps; a zero field takes its default.
type Retention struct {
	// LogAge is how long log batches are kept (DefaultLogAge).
	LogAge time.Duration
	// LogBytes bounds one cluster's stored log (DefaultLogBytes).
	LogBytes int64
	// UsageAge is how long usage samples are kept (DefaultUsageAge).
	UsageAge time.Duration
}

// Service stores and serves the agents' diagnostics.
type Service struct {
	Store     store.Store
	Retention Retention
	Log       *slog.Logger
	// Revocations ends a follower's stream when the token it was admitted with is revoked
	// or expires; share the hub's (auth.TokenCache's).
	Revocations *auth.Revocations
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu      sync.Mutex
	waiters map[string]map[chan struct{}]struct{} // lower-case cluster ID → followers
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Append stores a batch of a cluster's log, within the retention by size, and wakes the
// cluster's followers.
func (s *Service) Append(ctx context.Context, clusterID string, b protocol.LogBatch) error {
	batch := store.LogBatch{ReceivedAt: s.now().UTC(), Lines: b.Lines, Dropped: b.Dropped}
	r := store.LogRetention{MaxBytes: orDefault(s.Retention.LogBytes, DefaultLogBytes)}
	if err := s.Store.AppendLogs(ctx, clusterID, batch, r); err != nil {
		return err
	}
	s.wake(clusterID)
	return nil
}

// subscribe returns a channel that receives a value when the cluster's log grows, and a
// function that ends the subscription.
func (s *Service) subscribe(clusterID string) (<-chan struct{}, func()) {
	ch, k := make(chan struct{}, 1), strings.ToLower(clusterID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.waiters == nil {
		s.waiters = map[string]map[chan struct{}]struct{}{}
	}
	if s.waiters[k] == nil {
		s.waiters[k] = map[chan struct{}]struct{}{}
	}
	s.waiters[k][ch] = struct{}{}
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.waiters[k], ch)
		if len(s.waiters[k]) == 0 {
			delete(s.waiters, k)
		}
	}
}

func (s *Service) wake(clusterID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.waiters[strings.ToLower(clusterID)] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Run prunes what is older than the retention every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			now := s.now()
			err := s.Store.PruneDiagnostics(ctx, now.Add(-orDefault(s.Retention.LogAge, DefaultLogAge)),
				now.Add(-orDefault(s.Retention.UsageAge, DefaultUsageAge)))
			if err != nil {
				s.Log.Error("Pruning the agents' logs and usage failed", "error", err)
			}
		}
	}
}

// Usage returns a cluster's usage samples from since on.
func (s *Service) Usage(ctx context.Context, clusterID string, since time.Time) ([]store.UsageSample, error) {
	list, err := s.Store.ListUsage(ctx, clusterID, since)
	if err != nil {
		return nil, fmt.Errorf("reading the usage of %s: %w", clusterID, err)
	}
	return list, nil
}
