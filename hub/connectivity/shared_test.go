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

package connectivity_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const movingCluster = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/moving"

// An agent heartbeats to replica a, then moves to replica b: both replicas, sharing a
// store, see it Connected throughout, and neither takes the other's older beat for newer.
func TestAgentMovingReplicaStaysConnected(t *testing.T) {
	st := storeWithCluster(t)
	now := time.Now().UTC().Truncate(time.Second)
	clock := func() time.Time { return now }
	opts := connectivity.Options{OfflineAfter: 5 * time.Minute, Now: clock}
	a, b := connectivity.NewTracker(st, opts), connectivity.NewTracker(st, opts)
	wantStatus := func(when string, want connectivity.Status) {
		t.Helper()
		for name, tr := range map[string]*connectivity.Tracker{"a": a, "b": b} {
			if _, got := tr.Get(movingCluster); got != want {
				t.Errorf("%s: replica %s sees %s, want %s", when, name, got, want)
			}
		}
	}
	a.Heartbeat(movingCluster, protocol.Heartbeat{AgentVersion: "1.0.0"})
	flushAndRefresh(t, a, b)
	wantStatus("heartbeats to a", connectivity.Connected)

	for range 3 { // the agent moves to b; a hears nothing more
		now = now.Add(4 * time.Minute)
		b.Heartbeat(movingCluster, protocol.Heartbeat{AgentVersion: "1.0.1"})
		flushAndRefresh(t, a, b)
		wantStatus("heartbeats to b", connectivity.Connected)
	}
	if rt, _ := a.Get(movingCluster); rt.Heartbeat.AgentVersion != "1.0.1" {
		t.Errorf("replica a shows agent version %q, want b's latest 1.0.1", rt.Heartbeat.AgentVersion)
	}
	now = now.Add(6 * time.Minute)
	wantStatus("silence everywhere", connectivity.Offline)
}

// A cluster deleted through replica a disappears from replica b at b's next refresh: b
// no longer counts it or reports it Connected.
func TestDeletedClusterLeavesOtherReplicas(t *testing.T) {
	st := storeWithCluster(t)
	a, b := connectivity.NewTracker(st, connectivity.Options{}), connectivity.NewTracker(st, connectivity.Options{})
	a.Heartbeat(movingCluster, protocol.Heartbeat{AgentVersion: "1.0.0"})
	flushAndRefresh(t, a, b)
	if _, got := b.Get(movingCluster); got != connectivity.Connected {
		t.Fatalf("before the delete, replica b sees %s, want Connected", got)
	}
	if err := st.DeleteResource(t.Context(), movingCluster, store.Always()); err != nil {
		t.Fatal(err)
	}
	a.Forget(movingCluster)
	flushAndRefresh(t, a, b)
	if got := b.Connected(); len(got) != 0 {
		t.Errorf("after the delete, replica b reports %+v Connected, want none", got)
	}
	if got := b.Counts(); got[connectivity.Connected] != 0 {
		t.Errorf("after the delete, replica b counts %v, want no Connected cluster", got)
	}
}

// flushAndRefresh writes both replicas' heartbeats behind and lets each read the other's.
func flushAndRefresh(t *testing.T, trackers ...*connectivity.Tracker) {
	t.Helper()
	for _, tr := range trackers {
		if err := tr.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for _, tr := range trackers {
		if err := tr.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}

// storeWithCluster is a SQLite store, closed with the test, holding the cluster movingCluster.
func storeWithCluster(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cluster := &store.Resource{ID: movingCluster, Type: "Microsoft.Kubernetes/connectedClusters", Subscription: "s",
		ResourceGroup: "g", Body: json.RawMessage(`{}`)}
	if _, err := st.PutResource(t.Context(), cluster, store.Always()); err != nil {
		t.Fatal(err)
	}
	return st
}
