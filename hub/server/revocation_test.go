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
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// openWatch lists the agent's desired state and opens a watch from its version.
func (th *testHub) openWatch(agent *http.Client) *watcher {
	th.t.Helper()
	r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	rv, _ := r.body["resourceVersion"].(string)
	if r.status != http.StatusOK || rv == "" {
		th.t.Fatalf("listing the desired state: %d %s", r.status, r.raw)
	}
	w, status := th.watch(agent, rv)
	if status != http.StatusOK {
		th.t.Fatalf("opening the watch: %d", status)
	}
	return w
}

// endsWithin waits for the watch stream to end and returns how long it took; it fails the
// test when the stream is still open after limit.
func (w *watcher) endsWithin(limit time.Duration) time.Duration {
	w.t.Helper()
	start := time.Now()
	deadline := time.After(limit)
	for {
		select {
		case _, ok := <-w.events:
			if !ok {
				return time.Since(start)
			}
		case <-deadline:
			w.t.Fatalf("the watch stream is still open %s after its credential stopped being valid", limit)
		}
	}
}

// TestRevocationEndsAnOpenWatch: a watch stream ends as soon as the cluster gets another
// agent key or is deleted, and cannot be reopened with the old certificate.
func TestRevocationEndsAnOpenWatch(t *testing.T) {
	tests := []struct {
		name   string
		revoke func(th *testHub, id string)
		status int // of a new watch with the old certificate
	}{
		{"key rotated", func(th *testHub, id string) {
			if r := th.do(http.MethodPut, id+api2024, th.AdminToken, clusterBody(newAgentKey(th.t))); r.status != http.StatusOK {
				th.t.Fatalf("rotating the key: %d %s", r.status, r.raw)
			}
		}, http.StatusForbidden},
		{"cluster deleted", func(th *testHub, id string) {
			if r := th.do(http.MethodDelete, id+api2024, th.AdminToken, nil); r.status >= 300 {
				th.t.Fatalf("deleting: %d %s", r.status, r.raw)
			}
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newTestHub(t)
			agent, _ := th.agent("c1")
			other, _ := th.agent("c2")
			w, unrelated := th.openWatch(agent), th.openWatch(other)
			start := time.Now()
			tt.revoke(th, clusterPath(sub, rg, "c1"))
			w.endsWithin(5 * time.Second)
			t.Logf("the watch ended %s after the revoking request was sent", time.Since(start))
			if _, status := th.watch(agent, "0"); status != tt.status {
				t.Errorf("a new watch with the old certificate: %d, want %d", status, tt.status)
			}
			setAgentVersion(th, "c2", "1.2.3") // another cluster's watch goes on
			if e := unrelated.next(); e.Type != protocol.Modified {
				t.Errorf("cluster c2's watch after c1's revocation: %+v", e)
			}
		})
	}
}

// TestAnOpenWatchEndsWhenItsCertificateExpires: the stream ends at the certificate's
// NotAfter, not at the agent's next request.
// The lifetime leaves registering, listing and opening the watch ample time on a loaded
// machine: the stream must be open before the certificate expires.
func TestAnOpenWatchEndsWhenItsCertificateExpires(t *testing.T) {
	const lifetime = 10 * time.Second
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.CertLifetime = lifetime }})
	agent, _ := th.agent("c1")
	w := th.openWatch(agent)
	took := w.endsWithin(lifetime + 5*time.Second)
	t.Logf("the watch ended %s after it opened; the certificate lived %s", took, lifetime)
}

// TestADeletedClustersWatchDeliversItsDeletions: the open watch of a deleted cluster sends
// the deletion of every object of its desired state before it ends, so the agent removes
// what the cluster ran (it removes nothing on silence). The revocation and the delivery
// race, so it runs many times.
func TestADeletedClustersWatchDeliversItsDeletions(t *testing.T) {
	th := newTestHub(t)
	for i := range 25 {
		name := fmt.Sprint("c", i)
		agent, _ := th.agent(name)
		th.do(http.MethodPut, extensionPath(name, "flux")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
		want := desiredNames(th, agent)
		w := th.openWatch(agent)
		if r := th.do(http.MethodDelete, clusterPath(sub, rg, name)+api2024, th.AdminToken, nil); r.status >= 300 {
			t.Fatalf("deleting %s: %d %s", name, r.status, r.raw)
		}
		if got := w.deletedUntilEnd(5 * time.Second); !maps.Equal(got, want) {
			t.Fatalf("run %d: the deleted cluster's watch sent the deletions of %v before it ended, want %v", i, got, want)
		}
	}
}

// desiredNames lists the agent's desired state: kind/name of each object.
func desiredNames(th *testHub, agent *http.Client) map[string]bool {
	th.t.Helper()
	r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	var state protocol.DesiredState
	if r.status != http.StatusOK || json.Unmarshal([]byte(r.raw), &state) != nil || len(state.Items) == 0 {
		th.t.Fatalf("listing the desired state: %d %s", r.status, r.raw)
	}
	names := map[string]bool{}
	for _, o := range state.Items {
		names[o.Kind+"/"+o.Name] = true
	}
	return names
}

// deletedUntilEnd collects the kind/name of the DELETED events until the stream ends; it
// fails the test when the stream is still open after limit.
func (w *watcher) deletedUntilEnd(limit time.Duration) map[string]bool {
	w.t.Helper()
	deleted := map[string]bool{}
	deadline := time.After(limit)
	for {
		select {
		case e, ok := <-w.events:
			if !ok {
				return deleted
			}
			if e.Type == protocol.Deleted && e.Object != nil {
				deleted[e.Object.Kind+"/"+e.Object.Name] = true
			}
		case <-deadline:
			w.t.Fatalf("the watch stream is still open %s after the cluster was deleted", limit)
		}
	}
}
