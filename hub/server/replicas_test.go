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
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/pgtest"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// startReplica starts replica id of a hub on PostgreSQL dsn, with the data directory (the
// CA) that its replicas share.
func startReplica(t *testing.T, dir, dsn, id string) *testHub {
	t.Helper()
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: func(c *server.Config) {
		c.ReplicaID, c.StoreDSN = id, dsn
		c.FlushInterval, c.BookmarkInterval = 200*time.Millisecond, time.Hour
	}})
	if err != nil {
		t.Fatalf("starting replica %s: %v", id, err)
	}
	return withCleanup(t, h)
}

// Two replicas on one PostgreSQL: a change written through one wakes an agent's watch on
// the other, and a heartbeat one acknowledged shows on the other; while PostgreSQL is down
// a replica is not ready and acknowledges no write; once it is back, the replica is ready
// again by itself, and the agent's watch resumes on the other from its resourceVersion.
func TestReplicasOnPostgres(t *testing.T) {
	pg := pgtest.Start(t)
	dir, dsn := t.TempDir(), pg.Database(t, "replicas")
	a, b := startReplica(t, dir, dsn, "a"), startReplica(t, dir, dsn, "b")
	agent, _ := a.agent("c1")
	cluster := clusterPath(sub, rg, "c1")

	r := b.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	rv, _ := r.body["resourceVersion"].(string)
	if r.status != http.StatusOK || rv == "" {
		t.Fatalf("the desired state on b: %d %s", r.status, r.raw)
	}
	w, status := b.watch(agent, rv)
	if status != http.StatusOK {
		t.Fatalf("a watch on b: %d", status)
	}
	start := time.Now()
	if _, err := a.PutExtension(cluster, "flux", map[string]any{"extensionType": "flux"}); err != nil {
		t.Fatal(err)
	}
	ext := w.nextOf(protocol.KindExtension)
	t.Logf("a change through a reached the watch on b in %s", time.Since(start))

	hb := protocol.Heartbeat{AgentVersion: "0.2.0"}
	if r := a.send(agent, http.MethodPost, protocol.PathHeartbeat, "", hb); r.status != http.StatusOK {
		t.Fatalf("a heartbeat to a: %d %s", r.status, r.raw)
	}
	eventually(t, "the heartbeat a acknowledged, on b", func() string {
		p := b.do(http.MethodGet, cluster+api2024, b.AdminToken, nil).props()
		if p["agentVersion"] != "0.2.0" || p["connectivityStatus"] != "Connected" {
			return fmt.Sprintf("b shows agentVersion %v, %v", p["agentVersion"], p["connectivityStatus"])
		}
		return ""
	})

	// How each request fares while PostgreSQL is down is TestStoreUnreachable's; here, that
	// the replica is not ready, acknowledges no write, and recovers by itself.
	pg.Halt(t)
	if status := a.get("/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while PostgreSQL is down: %d, want 503", status)
	}
	if status, _, code := a.putCluster("c3"); status < http.StatusInternalServerError {
		t.Errorf("a write while PostgreSQL is down: %d %s, want it refused", status, code)
	}
	pg.Resume(t)
	eventually(t, "replica a ready again", func() string {
		if status := a.get("/readyz"); status != http.StatusOK {
			return fmt.Sprintf("/readyz %d", status)
		}
		return ""
	})
	if status, _, code := a.putCluster("c3"); status != http.StatusCreated {
		t.Errorf("a write after PostgreSQL came back: %d %s, want 201", status, code)
	}
	// The agent resumes its watch, which the outage may have ended, from its
	// resourceVersion, here on the other replica.
	if w, status = a.watch(agent, ext.ResourceVersion); status != http.StatusOK {
		t.Fatalf("resuming the watch on a: %d", status)
	}
	eventually(t, "a PATCH on b, retried as ARM clients do", func() string {
		r := b.do(http.MethodPatch, cluster+api2024, b.AdminToken,
			map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": "0.3.0"}}})
		if r.status != http.StatusOK {
			return fmt.Sprintf("%d %s", r.status, r.raw)
		}
		return ""
	})
	w.nextOf(protocol.KindAgentProfile)
}

// nextOf returns the next event of an object of kind, skipping others.
func (w *watcher) nextOf(kind string) protocol.WatchEvent {
	w.t.Helper()
	for {
		if e := w.next(); e.Object != nil && e.Object.Kind == kind {
			return e
		}
	}
}

// A token revoked through replica b ends, within a second or two, the stream a user holds
// with it on replica a (here following a cluster's logs), with the hub's line saying why.
func TestRevocationThroughAnotherReplica(t *testing.T) {
	pg := pgtest.Start(t)
	dir, dsn := t.TempDir(), pg.Database(t, "revocation")
	a, b := startReplica(t, dir, dsn, "a"), startReplica(t, dir, dsn, "b")
	a.agent("c1")
	reader := a.token(a.AdminToken, "follower", "Reader", "/subscriptions/"+sub)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.url("/kubearc/v1"+clusterPath(sub, rg, "c1")+"/logs?follow=true"), nil)
	req.Header.Set("Authorization", "Bearer "+reader)
	resp, err := a.client(nil).Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("follow on a: %v %v", resp, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var id string
	for _, v := range b.do(http.MethodGet, "/kubearc/v1/tokens", b.AdminToken, nil).body["value"].([]any) {
		if v.(map[string]any)["name"] == "follower" {
			id = v.(map[string]any)["id"].(string)
		}
	}
	start := time.Now()
	if r := b.do(http.MethodDelete, "/kubearc/v1/tokens/"+id, b.AdminToken, nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke through b: %d %s", r.status, r.raw)
	}
	ended := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(resp.Body)
		var end protocol.LogLine
		if !lines.Scan() || json.Unmarshal(lines.Bytes(), &end) != nil {
			ended <- fmt.Sprintf("%q %v", lines.Text(), lines.Err())
			return
		}
		reason, _ := protocol.StreamEndReason(end)
		ended <- reason
	}()
	select {
	case got := <-ended:
		if got != protocol.StreamEndedTokenRevoked {
			t.Errorf("the stream on a ended with %s, want the reason %q", got, protocol.StreamEndedTokenRevoked)
		}
		t.Logf("a revocation through b ended the stream on a in %s", time.Since(start))
	case <-time.After(2 * time.Second):
		t.Fatal("the stream on a is still open 2s after its token was revoked through b")
	}
}

// A replica that would tell the others to reach it at an unspecified address refuses to
// start, saying to set --peer-url; a specific listen address or a --peer-url is fine.
func TestReplicaNeedsAPeerURL(t *testing.T) {
	pg := pgtest.Start(t)
	dir, dsn := t.TempDir(), pg.Database(t, "peerurl")
	for _, listen := range []string{":0", "0.0.0.0:0", "[::]:0"} {
		_, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Listen: listen, Configure: func(c *server.Config) {
			c.ReplicaID, c.StoreDSN = "a", dsn
		}})
		if err == nil || !strings.Contains(err.Error(), "set --peer-url") {
			t.Errorf("a replica listening on %s without --peer-url: %v, want a refusal saying to set --peer-url", listen, err)
		}
	}
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Listen: ":0", Configure: func(c *server.Config) {
		c.ReplicaID, c.StoreDSN, c.PeerURL = "a", dsn, "https://127.0.0.1:1"
	}})
	if err != nil {
		t.Fatalf("a replica listening on :0 with --peer-url: %v", err)
	}
	_ = h.Stop()
}
