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
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const cluster = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c"

// runtimeStore keeps runtimes in memory and counts the batches written.
type runtimeStore struct {
	store.Store
	mu      sync.Mutex
	rows    map[string]store.Runtime
	batches int
	fail    bool
}

func (s *runtimeStore) PutRuntimes(_ context.Context, rs []store.Runtime) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("disk full")
	}
	s.batches++
	for _, rt := range rs {
		s.rows[key(rt.ClusterID)] = rt
	}
	return nil
}

func (s *runtimeStore) ListRuntimes(context.Context) ([]store.Runtime, error) {
	out := make([]store.Runtime, 0, len(s.rows))
	for _, rt := range s.rows {
		out = append(out, rt)
	}
	return out, nil
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }
func newStore() *runtimeStore            { return &runtimeStore{rows: map[string]store.Runtime{}} }
func status(tr *Tracker) Status          { _, s := tr.Get(cluster); return s }

func TestStatusTransitions(t *testing.T) {
	clk := newClock()
	tr := NewTracker(newStore(), Options{OfflineAfter: 5 * time.Minute, ExpiredAfter: time.Hour, Now: clk.now})

	if got := status(tr); got != Connecting {
		t.Fatalf("before any heartbeat: %s, want Connecting", got)
	}
	tr.SetCertificate(cluster, clk.t.Add(24*time.Hour))
	if got := status(tr); got != Connecting {
		t.Fatalf("registered, no heartbeat: %s, want Connecting", got)
	}
	if got := tr.Heartbeat(cluster, protocol.Heartbeat{NodeCount: 3}); got != Connected {
		t.Fatalf("after a heartbeat: %s, want Connected", got)
	}
	clk.advance(5 * time.Minute)
	if got := status(tr); got != Connected {
		t.Fatalf("at exactly the offline threshold: %s, want Connected", got)
	}
	clk.advance(time.Second)
	if got := status(tr); got != Offline {
		t.Fatalf("after 5m1s of silence: %s, want Offline", got)
	}
	tr.Heartbeat(cluster, protocol.Heartbeat{})
	if got := status(tr); got != Connected {
		t.Fatalf("after a heartbeat again: %s, want Connected", got)
	}
	clk.advance(24*time.Hour + 30*time.Minute) // certificate lapsed 35m ago: not yet past ExpiredAfter
	if got := status(tr); got != Offline {
		t.Fatalf("certificate lapsed within ExpiredAfter: %s, want Offline", got)
	}
	clk.advance(30 * time.Minute)
	if got := status(tr); got != Expired {
		t.Fatalf("certificate lapsed beyond ExpiredAfter: %s, want Expired", got)
	}
	tr.SetCertificate(cluster, clk.t.Add(24*time.Hour)) // re-registration
	tr.Heartbeat(cluster, protocol.Heartbeat{})
	if got := status(tr); got != Connected {
		t.Fatalf("after re-registration: %s, want Connected", got)
	}
}

func TestHeartbeatsAreWrittenBehindInOneBatch(t *testing.T) {
	st := newStore()
	tr := NewTracker(st, Options{Now: newClock().now})
	for i := 0; i < 100; i++ {
		tr.Heartbeat(cluster, protocol.Heartbeat{NodeCount: int32(i)})
	}
	tr.Heartbeat(cluster+"2", protocol.Heartbeat{NodeCount: 7})
	if len(st.rows) != 0 {
		t.Fatal("heartbeats were written before a flush")
	}
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.batches != 1 || len(st.rows) != 2 || st.rows[key(cluster)].Heartbeat.NodeCount != 99 {
		t.Fatalf("got %d batches, rows %+v; want one batch with the last beat of each cluster", st.batches, st.rows)
	}
	if err := tr.Flush(context.Background()); err != nil || st.batches != 1 {
		t.Fatalf("a flush with nothing new wrote a batch (batches %d, err %v)", st.batches, err)
	}
}

func TestFailedFlushIsRetried(t *testing.T) {
	st := newStore()
	tr := NewTracker(st, Options{Now: newClock().now})
	tr.Heartbeat(cluster, protocol.Heartbeat{NodeCount: 1})
	st.fail = true
	if err := tr.Flush(context.Background()); err == nil {
		t.Fatal("flush into a failing store reported no error")
	}
	st.fail = false
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.rows[key(cluster)].Heartbeat.NodeCount != 1 {
		t.Fatal("the heartbeat of the failed flush was lost")
	}
}

func TestLoadRemembersClustersAcrossRestart(t *testing.T) {
	clk := newClock()
	st := newStore()
	first := NewTracker(st, Options{Now: clk.now})
	first.Heartbeat(cluster, protocol.Heartbeat{KubernetesVersion: "v1.37.2"})
	if err := first.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	second := NewTracker(st, Options{Now: clk.now})
	if err := second.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt, s := second.Get(cluster)
	if s != Connected || rt.Heartbeat.KubernetesVersion != "v1.37.2" {
		t.Fatalf("after restart: %s %+v, want Connected with the stored metadata", s, rt)
	}
	second.Forget(cluster)
	if got := status(second); got != Connecting {
		t.Fatalf("forgotten cluster: %s, want Connecting", got)
	}
	if c := second.Counts(); c[Connected] != 0 {
		t.Fatalf("counts after forget: %v", c)
	}
}

// ctxStore fails a write whose context has ended, as the SQLite store does ("begin
// transaction: context canceled"), and can hold a write until released.
type ctxStore struct {
	*runtimeStore
	started, release chan struct{}
}

func (s *ctxStore) PutRuntimes(ctx context.Context, rs []store.Runtime) error {
	if s.started != nil {
		close(s.started)
		s.started = nil
		<-s.release
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	return s.runtimeStore.PutRuntimes(ctx, rs)
}

// TestShutdownFlushOutlivesTheServer: when Run's context ends during a flush, that flush and
// the final one still write: no heartbeat of the last interval is lost and nothing fails.
func TestShutdownFlushOutlivesTheServer(t *testing.T) {
	st := &ctxStore{runtimeStore: newStore(), started: make(chan struct{}), release: make(chan struct{})}
	started := st.started
	tr := NewTracker(st, Options{})
	tr.Heartbeat(cluster, protocol.Heartbeat{NodeCount: 1})
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		tr.Run(ctx, time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
		close(done)
	}()
	<-started // a periodic flush is writing
	tr.Heartbeat(cluster, protocol.Heartbeat{NodeCount: 2})
	cancel()
	close(st.release)
	<-done
	if logs.Len() > 0 {
		t.Errorf("the shutdown logged: %s", logs.String())
	}
	if got := st.rows[key(cluster)].Heartbeat.NodeCount; got != 2 {
		t.Errorf("stored node count %d, want the last heartbeat's 2", got)
	}
}

// TestConnectedListsOnlyConnectedClusters: a cluster is listed with its last heartbeat while
// Connected, and neither once Offline nor once forgotten.
func TestConnectedListsOnlyConnectedClusters(t *testing.T) {
	c := newClock()
	tr := NewTracker(newStore(), Options{OfflineAfter: time.Minute, Now: c.now})
	tr.SetCertificate(cluster+"-never-beat", c.t.Add(time.Hour))
	tr.Heartbeat(cluster, protocol.Heartbeat{AgentCPUMillicores: 3})
	if got := tr.Connected(); len(got) != 1 || got[0].ClusterID != cluster || got[0].Heartbeat.AgentCPUMillicores != 3 {
		t.Errorf("Connected = %+v, want the one cluster that beat", got)
	}
	c.advance(2 * time.Minute)
	if got := tr.Connected(); len(got) != 0 {
		t.Errorf("Connected after the silence = %+v, want none", got)
	}
	tr.Heartbeat(cluster, protocol.Heartbeat{})
	tr.Forget(cluster)
	if got := tr.Connected(); len(got) != 0 {
		t.Errorf("Connected after Forget = %+v, want none", got)
	}
}
