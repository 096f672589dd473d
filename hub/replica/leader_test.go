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

package replica_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/replica"
	"github.com/kubearc/kubearc/hub/store/sqlite"
)

const ttl, renew = 400 * time.Millisecond, 100 * time.Millisecond

// leaders records who leads, and fails the test when two lead at once.
type leaders struct {
	t       *testing.T
	mu      sync.Mutex
	current map[string]bool
	history []string
}

func (l *leaders) work(name string) func(ctx context.Context) {
	return func(ctx context.Context) {
		l.mu.Lock()
		if len(l.current) > 0 {
			l.t.Errorf("%s leads while %v lead too", name, l.current)
		}
		l.current[name] = true
		l.history = append(l.history, name)
		l.mu.Unlock()
		<-ctx.Done()
		l.mu.Lock()
		delete(l.current, name)
		l.mu.Unlock()
	}
}

// waitFor waits until name leads and returns how long it took.
func (l *leaders) waitFor(name string) time.Duration {
	l.t.Helper()
	start := time.Now()
	for time.Since(start) < 30*time.Second {
		l.mu.Lock()
		leads := l.current[name]
		l.mu.Unlock()
		if leads {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	l.t.Fatalf("%s did not become leader", name)
	return 0
}

// flakyStore fails every call while down is set.
type flakyStore struct {
	replica.LeaseStore
	down atomic.Bool
}

func (f *flakyStore) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if f.down.Load() {
		return false, errors.New("store unreachable")
	}
	return f.LeaseStore.AcquireLease(ctx, name, holder, ttl)
}

func (f *flakyStore) ReleaseLease(ctx context.Context, name, holder string) error {
	if f.down.Load() {
		return errors.New("store unreachable")
	}
	return f.LeaseStore.ReleaseLease(ctx, name, holder)
}

func TestOneLeaderHandsOverWhenItStops(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	l := &leaders{t: t, current: map[string]bool{}}
	lease := func(name string) *replica.Lease {
		return &replica.Lease{Store: st, Name: "leader", Holder: name, TTL: ttl, Renew: renew, Log: slog.New(slog.DiscardHandler)}
	}
	ctxA, stopA := context.WithCancel(t.Context())
	doneA := make(chan struct{})
	go func() { defer close(doneA); lease("a").Lead(ctxA, l.work("a")) }()
	l.waitFor("a")
	ctxB, stopB := context.WithCancel(t.Context())
	defer stopB()
	go lease("b").Lead(ctxB, l.work("b"))
	time.Sleep(3 * ttl) // b keeps trying while a renews
	stopA()
	<-doneA
	// a released the lease: b leads by its next try.
	if took := l.waitFor("b"); took > 2*renew+ttl {
		t.Errorf("b led %s after a stopped, want within a renewal", took)
	}
}

// A leader cut off from the store stops leading before its lease expires; another takes
// over after it does, never both at once.
func TestLeaderCutOffFromTheStoreStepsDown(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	l := &leaders{t: t, current: map[string]bool{}}
	cutOff := &flakyStore{LeaseStore: st}
	quiet := slog.New(slog.DiscardHandler)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	go (&replica.Lease{Store: cutOff, Name: "leader", Holder: "a", TTL: ttl, Renew: renew, Log: quiet}).Lead(ctx, l.work("a"))
	l.waitFor("a")
	go (&replica.Lease{Store: st, Name: "leader", Holder: "b", TTL: ttl, Renew: renew, Log: quiet}).Lead(ctx, l.work("b"))
	cutOff.down.Store(true)
	if took := l.waitFor("b"); took > 5*time.Second {
		t.Errorf("b led %s after a was cut off, want within seconds", took)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.history) != 2 {
		t.Errorf("leaders in turn: %v, want a then b", l.history)
	}
}

func TestAlwaysLeads(t *testing.T) {
	ran := false
	replica.Always{}.Lead(t.Context(), func(context.Context) { ran = true })
	if !ran {
		t.Error("a hub alone did not run the fleet's work")
	}
}
