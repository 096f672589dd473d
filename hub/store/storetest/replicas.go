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

package storetest

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// testTunnelHolders: the latest replica to take a cluster's tunnel holds it, matched by ID
// in any case; a replica that let go removes only its own record.
func testTunnelHolders(t *testing.T, s store.Store) {
	ctx, id := t.Context(), clusterID("sub", "rg", "c")
	_, err := s.GetTunnelHolder(ctx, id)
	wantErrorIs(t, "GetTunnelHolder of a cluster without tunnel", err, store.ErrNotFound)
	for _, h := range []store.TunnelHolder{
		{ClusterID: id, Replica: "a", PeerURL: "https://10.0.0.1:8443"},
		{ClusterID: clusterID("SUB", "RG", "C"), Replica: "b", PeerURL: "https://10.0.0.2:8443"},
	} {
		if err := s.PutTunnelHolder(ctx, h); err != nil {
			t.Fatalf("PutTunnelHolder(%v) = %v", h, err)
		}
	}
	if err := s.DeleteTunnelHolder(ctx, id, "a"); err != nil {
		t.Fatalf("DeleteTunnelHolder by a replica that let go = %v", err)
	}
	got, err := s.GetTunnelHolder(ctx, id)
	if err != nil || got.Replica != "b" || got.PeerURL != "https://10.0.0.2:8443" {
		t.Fatalf("GetTunnelHolder = %+v, %v; want replica b at https://10.0.0.2:8443", got, err)
	}
	if err := s.DeleteTunnelHolder(ctx, clusterID("sub", "rg", "C"), "b"); err != nil {
		t.Fatalf("DeleteTunnelHolder by the holder = %v", err)
	}
	_, err = s.GetTunnelHolder(ctx, id)
	wantErrorIs(t, "GetTunnelHolder after its holder let go", err, store.ErrNotFound)
}

// testListTunnelHolders: a replica lists the records naming it, and only those, by the
// clusters' IDs in lower case; a tunnel another replica took over leaves its list.
func testListTunnelHolders(t *testing.T, s store.Store) {
	ctx := t.Context()
	list := func(replica string, want ...store.TunnelHolder) {
		t.Helper()
		got, err := s.ListTunnelHolders(ctx, replica)
		if err != nil {
			t.Fatalf("ListTunnelHolders(%s) = %v", replica, err)
		}
		sortHolders(got)
		sortHolders(want)
		if !slices.Equal(got, want) {
			t.Fatalf("ListTunnelHolders(%s) = %+v, want %+v", replica, got, want)
		}
	}
	list("a")
	one, two, three := clusterID("sub", "RG", "One"), clusterID("sub", "rg", "two"), clusterID("sub", "rg", "three")
	for _, h := range []store.TunnelHolder{
		{ClusterID: one, Replica: "a", PeerURL: "https://10.0.0.1:8443"},
		{ClusterID: two, Replica: "a", PeerURL: "https://10.0.0.1:8443"},
		{ClusterID: three, Replica: "b", PeerURL: "https://10.0.0.2:8443"},
		{ClusterID: two, Replica: "b", PeerURL: "https://10.0.0.2:8443"}, // b took two's tunnel over
	} {
		if err := s.PutTunnelHolder(ctx, h); err != nil {
			t.Fatalf("PutTunnelHolder(%v) = %v", h, err)
		}
	}
	list("a", store.TunnelHolder{ClusterID: strings.ToLower(one), Replica: "a", PeerURL: "https://10.0.0.1:8443"})
	list("b", store.TunnelHolder{ClusterID: strings.ToLower(three), Replica: "b", PeerURL: "https://10.0.0.2:8443"},
		store.TunnelHolder{ClusterID: strings.ToLower(two), Replica: "b", PeerURL: "https://10.0.0.2:8443"})
	list("A") // replica IDs are exact
	if err := s.DeleteTunnelHolder(ctx, one, "a"); err != nil {
		t.Fatalf("DeleteTunnelHolder = %v", err)
	}
	list("a")
}

// sortHolders orders tunnel records by cluster, for comparing lists in no particular order.
func sortHolders(hs []store.TunnelHolder) {
	slices.SortFunc(hs, func(x, y store.TunnelHolder) int { return strings.Compare(x.ClusterID, y.ClusterID) })
}

// testLeases: one holder at a time; the holder renews, releases, or loses the lease when it
// expires.
func testLeases(t *testing.T, s store.Store) {
	ctx := t.Context()
	acquire := func(name, holder string, ttl time.Duration, want bool) {
		t.Helper()
		if got, err := s.AcquireLease(ctx, name, holder, ttl); err != nil || got != want {
			t.Fatalf("AcquireLease(%s, %s) = %v, %v; want %v", name, holder, got, err, want)
		}
	}
	acquire("leader", "a", time.Hour, true)
	acquire("leader", "b", time.Hour, false)
	acquire("leader", "a", time.Hour, true) // renewal
	acquire("other", "b", time.Hour, true)  // leases are independent
	if err := s.ReleaseLease(ctx, "leader", "b"); err != nil {
		t.Fatal(err)
	}
	acquire("leader", "b", time.Hour, false) // b released nothing of a's
	if err := s.ReleaseLease(ctx, "leader", "a"); err != nil {
		t.Fatal(err)
	}
	acquire("leader", "b", 50*time.Millisecond, true)
	acquire("leader", "a", time.Hour, false)
	time.Sleep(100 * time.Millisecond)
	acquire("leader", "a", time.Hour, true) // b's expired
}

// testLeaseRace: of many replicas trying at once, exactly one gets a free lease.
func testLeaseRace(t *testing.T, s store.Store) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	winners := 0
	for _, holder := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		wg.Go(func() {
			got, err := s.AcquireLease(t.Context(), "race", holder, time.Hour)
			if err != nil {
				t.Errorf("AcquireLease(%s) = %v", holder, err)
			}
			if got {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Errorf("%d replicas got the same lease at once, want 1", winners)
	}
}
