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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// unreachableStore is the hub's store, cut off while down is set, as a PostgreSQL server
// restarting or out of reach would be: every call fails with store.ErrUnavailable.
type unreachableStore struct {
	store.Store
	down atomic.Bool
}

func (s *unreachableStore) fail() error {
	if s.down.Load() {
		return fmt.Errorf("dial tcp 10.0.0.9:5432: connection refused: %w", store.ErrUnavailable)
	}
	return nil
}

func (s *unreachableStore) Ping(ctx context.Context) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.Ping(ctx)
}

func (s *unreachableStore) GetResource(ctx context.Context, id string) (*store.Resource, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.Store.GetResource(ctx, id)
}

func (s *unreachableStore) PutResource(ctx context.Context, r *store.Resource, pre store.Precondition, changes ...store.DesiredChange) (bool, error) {
	if err := s.fail(); err != nil {
		return false, err
	}
	return s.Store.PutResource(ctx, r, pre, changes...)
}

func (s *unreachableStore) FindToken(ctx context.Context, hash []byte) (*store.Token, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.Store.FindToken(ctx, hash)
}

func (s *unreachableStore) PutRuntimes(ctx context.Context, rs []store.Runtime) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.PutRuntimes(ctx, rs)
}

// While the store is unreachable the hub answers heartbeats from memory, refuses writes
// with 503 and Retry-After, and is not ready; it recovers by itself.
func TestStoreUnreachable(t *testing.T) {
	cut := &unreachableStore{}
	th := startHub(t, hubtest.Options{Configure: func(c *server.Config) {
		c.WrapStore = func(st store.Store) store.Store { cut.Store = st; return cut }
	}})
	agent, _ := th.agent("c1")
	heartbeat := func(when string) {
		t.Helper()
		r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{AgentVersion: "0.1.0"})
		if r.status != http.StatusOK || r.body["connectivityStatus"] != "Connected" {
			t.Errorf("heartbeat %s: %d %s, want 200 Connected", when, r.status, r.raw)
		}
	}
	heartbeat("with the store")

	cut.down.Store(true)
	heartbeat("without the store")
	if status := th.get("/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz without the store: %d, want 503", status)
	}
	if status := th.get("/healthz"); status != http.StatusOK {
		t.Errorf("/healthz without the store: %d, want 200: the process is fine", status)
	}
	status, retry, code := th.putCluster("c2")
	if status != http.StatusServiceUnavailable || retry == "" || code != "ServiceUnavailable" {
		t.Errorf("a write without the store: %d, Retry-After %q, code %q; want 503 ServiceUnavailable with Retry-After", status, retry, code)
	}
	if r := th.do(http.MethodGet, "/subscriptions/"+sub+"/providers/Microsoft.Kubernetes/connectedClusters"+api2024, "new-token", nil); r.status != http.StatusServiceUnavailable {
		t.Errorf("a token the hub cannot check now: %d %s, want 503, not 401", r.status, r.raw)
	}

	cut.down.Store(false)
	if status := th.get("/readyz"); status != http.StatusOK {
		t.Errorf("/readyz with the store back: %d, want 200", status)
	}
	if status, _, _ := th.putCluster("c2"); status != http.StatusCreated {
		t.Errorf("a write with the store back: %d, want 201", status)
	}
	heartbeat("after the store came back")
}

// get sends an unauthenticated GET and returns the status.
func (th *testHub) get(path string) int {
	th.t.Helper()
	return th.do(http.MethodGet, path, "", nil).status
}

// putCluster creates cluster name as the admin and returns the status, Retry-After and the
// ARM error code of the answer.
func (th *testHub) putCluster(name string) (status int, retryAfter, code string) {
	th.t.Helper()
	body, err := json.Marshal(clusterBody(newAgentKey(th.t)))
	if err != nil {
		th.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(th.t.Context(), http.MethodPut, th.url(clusterPath(sub, rg, name)+api2024), bytes.NewReader(body))
	if err != nil {
		th.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+th.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := th.client(nil).Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, resp.Header.Get("Retry-After"), e.Error.Code
}
