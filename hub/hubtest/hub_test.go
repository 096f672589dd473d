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

package hubtest_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/hubtest"
)

const clusterID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1"

func TestHubInATemporaryDirectory(t *testing.T) {
	h, err := hubtest.Start(context.Background(), hubtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h.URL, "https://127.0.0.1:") || h.AdminToken == "" || len(h.CAPEM) == 0 {
		t.Errorf("hub URL %q, admin token %q, %d bytes of CA", h.URL, h.AdminToken, len(h.CAPEM))
	}
	if status, raw, err := h.ARM(http.MethodGet, clusterID, "", nil); err != nil || status != http.StatusUnauthorized {
		t.Errorf("GET without a token: %d %s %v, want 401", status, raw, err)
	}
	_, pub := hubtest.AgentKey(t)
	if err := h.PutCluster(clusterID, pub); err != nil {
		t.Fatal(err)
	}
	if err := h.PutCluster(clusterID, pub); err == nil {
		t.Error("PutCluster of an existing cluster succeeded, want an error")
	}
	if status, raw, err := h.ARM(http.MethodGet, clusterID, h.AdminToken, nil); err != nil || status != http.StatusOK || !strings.Contains(string(raw), `"env":"test"`) {
		t.Errorf("GET as the admin: %d %s %v, want the cluster tagged env=test", status, raw, err)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := h.Stop(); err != nil {
		t.Errorf("a second Stop: %v", err)
	}
	if _, err := os.Stat(h.DataDir); !os.IsNotExist(err) {
		t.Errorf("the temporary data directory is still there: %v", err)
	}
}

func TestHubRestartsOnTheSameAddressAndData(t *testing.T) {
	dir := t.TempDir()
	first, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	second, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Listen: first.Addr})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = second.Stop() }()
	if second.URL != first.URL || second.AdminToken != first.AdminToken {
		t.Errorf("restarted hub at %s with token %q, want %s with %q", second.URL, second.AdminToken, first.URL, first.AdminToken)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("the given data directory: %v", err)
	}
}

func TestStartReportsAHubThatCannotStart(t *testing.T) {
	_, err := hubtest.Start(context.Background(), hubtest.Options{Listen: "256.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "the hub did not start") {
		t.Errorf("Start on a bad address: %v, want the hub did not start", err)
	}
}

func TestRestartKeepsTheAddressDataAndClock(t *testing.T) {
	clock := hubtest.NewClock()
	first, err := hubtest.Start(context.Background(), hubtest.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	_, pub := hubtest.AgentKey(t)
	if err := first.PutCluster(clusterID, pub); err != nil {
		t.Fatal(err)
	}
	second, err := first.Restart(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if second.URL != first.URL || second.AdminToken != first.AdminToken || second.Clock != clock {
		t.Errorf("restarted hub at %s with token %q, want %s with %q and the same clock", second.URL, second.AdminToken, first.URL, first.AdminToken)
	}
	if status, raw, err := second.ARM(http.MethodGet, clusterID, second.AdminToken, nil); err != nil || status != http.StatusOK {
		t.Errorf("the cluster after a restart: %d %s %v", status, raw, err)
	}
	if err := second.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(second.DataDir); !os.IsNotExist(err) {
		t.Errorf("the temporary data directory is still there: %v", err)
	}
	if _, err := second.Restart(context.Background()); err == nil {
		t.Error("a stopped hub whose data directory went restarted")
	}
}
