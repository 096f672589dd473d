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

package server_test

import (
	"context"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// BenchmarkServingUnderSlowloris times a connected agent's heartbeat followed by an ARM GET
// on an authenticated connection, on a quiet hub and under the slow-loris load of
// TestHubServesUnderSlowloris, and reports the latency percentiles of the pair and the
// most file descriptors the process had open. Results: docs/benchmarks.md.
func BenchmarkServingUnderSlowloris(b *testing.B) {
	for _, attack := range []bool{false, true} {
		name := "quiet"
		if attack {
			name = "slowloris"
		}
		b.Run(name, func(b *testing.B) { benchmarkServing(b, attack) })
	}
}

func benchmarkServing(b *testing.B, attack bool) {
	h, agent := benchHub(b)
	id := clusterPath(sub, rg, "c1")
	ctx := context.Background()
	servePair := func() {
		if _, err := agent.Heartbeat(ctx, protocol.Heartbeat{}); err != nil {
			b.Fatalf("heartbeat: %v", err)
		}
		if status, raw, err := h.ARM(http.MethodGet, id, h.AdminToken, nil); err != nil || status != http.StatusOK {
			b.Fatalf("ARM GET: %d %s %v", status, raw, err)
		}
	}
	servePair() // the agent's and the admin's connections are open, as a running hub's are
	if attack {
		startAttacker(b, h.Addr)
		time.Sleep(2 * time.Second) // let the attack fill the cap
	}
	latencies := make([]time.Duration, 0, b.N)
	maxFDs, fresh, freshOK := 0, 0, 0
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		servePair()
		latencies = append(latencies, time.Since(start))
		maxFDs = max(maxFDs, openFDs(b))
		if i%10 == 0 { // a client on a new connection, as a reconnecting one
			fresh++
			freshOK += freshRequest(h, id)
		}
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(maxFDs), "max-fds")
	b.ReportMetric(100*float64(freshOK)/float64(fresh), "new-conn-ok-%")
}

// freshRequest sends an ARM GET on a new connection from 127.0.0.2, an address other than
// the attacker's, and returns 1 when the hub answered it.
func freshRequest(h *hubtest.Hub, id string) int {
	c := h.HTTPClient()
	defer c.CloseIdleConnections()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	c.Transport.(*http.Transport).DialContext = d.DialContext
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, h.URL+id+"?api-version="+hubtest.APIVersion, nil)
	if err != nil {
		return 0
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized { // no token: the hub answered, that suffices
		return 0
	}
	return 1
}

// benchHub starts a hub with the slow-loris settings and a registered agent of cluster c1.
func benchHub(b *testing.B) (*hubtest.Hub, *agentclient.Client) {
	h, err := hubtest.Start(context.Background(), hubtest.Options{Configure: func(cfg *server.Config) {
		slowlorisConfig(cfg)
		cfg.MaxUnauthenticatedConnsPerIP = slowlorisCap / 2 // the attacker is one address
	}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Stop() })
	key, public := hubtest.AgentKey(b)
	id := clusterPath(sub, rg, "c1")
	if err := h.PutCluster(id, public); err != nil {
		b.Fatal(err)
	}
	agent, err := agentclient.New(agentclient.Options{HubURL: h.URL, ClusterID: id, Key: key, HubCAPEM: h.CAPEM})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(agent.Close)
	if _, err := agent.Register(context.Background()); err != nil {
		b.Fatal(err)
	}
	return h, agent
}
