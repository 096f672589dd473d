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

package agentclient_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

const (
	sub = "00000000-0000-0000-0000-0000000000aa"
	rg  = "edge-eu"
	// hubName is in the hub's serving certificate; tests resolve it to the hub's address.
	hubName = "hub.test"
)

// testHub is the real hub, serving HTTPS on a loopback port from a temp data directory,
// with a clock the test moves.
type testHub struct {
	t *testing.T
	*hubtest.Hub
}

func newTestHub(t *testing.T) *testHub {
	t.Helper()
	hub, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: t.TempDir(), Clock: hubtest.NewClock(),
		Configure: func(cfg *server.Config) {
			cfg.Hosts, cfg.CertLifetime, cfg.FlushInterval = []string{hubName}, 24*time.Hour, time.Hour
			cfg.BookmarkInterval, cfg.ShutdownTimeout = 100*time.Millisecond, 5*time.Second
		}})
	if err != nil {
		t.Fatal(err)
	}
	return withCleanup(t, hub)
}

func withCleanup(t *testing.T, hub *hubtest.Hub) *testHub {
	th := &testHub{t: t, Hub: hub}
	t.Cleanup(th.stop)
	return th
}

// stop shuts the hub down (idempotent).
func (th *testHub) stop() {
	if err := th.Stop(); err != nil {
		th.t.Error(err)
	}
}

// restart stops the hub (unless stopped) and starts a new one on the same data directory,
// address and clock.
func (th *testHub) restart() *testHub {
	th.t.Helper()
	hub, err := th.Restart(context.Background())
	if err != nil {
		th.t.Fatal(err)
	}
	return withCleanup(th.t, hub)
}

// arm calls the management API as the admin and returns the status and body.
func (th *testHub) arm(method, path string, body any) (int, string) {
	th.t.Helper()
	status, raw, err := th.ARM(method, path, th.AdminToken, body)
	if err != nil {
		th.t.Fatal(err)
	}
	return status, string(raw)
}

func clusterID(name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// createCluster creates a connectedCluster whose agent holds the returned key, as
// arcctl connectedk8s connect would.
func (th *testHub) createCluster(name string) *ecdsa.PrivateKey {
	th.t.Helper()
	key, public := hubtest.AgentKey(th.t)
	if err := th.PutCluster(clusterID(name), public); err != nil {
		th.t.Fatal(err)
	}
	return key
}

// createClusterWithKey creates the cluster name on the hub with key's public key.
func (th *testHub) createClusterWithKey(name string, key *ecdsa.PrivateKey) {
	th.t.Helper()
	pub, err := agentpubkey.Encode(&key.PublicKey)
	if err != nil {
		th.t.Fatal(err)
	}
	if err := th.PutCluster(clusterID(name), pub); err != nil {
		th.t.Fatal(err)
	}
}

// setAgentVersion sets arcAgentProfile.desiredAgentVersion, as a user would.
func (th *testHub) setAgentVersion(name, version string) {
	th.t.Helper()
	body := map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": version}}}
	if status, raw := th.arm(http.MethodPatch, clusterID(name), body); status != http.StatusOK {
		th.t.Fatalf("PATCH %s: %d %s", name, status, raw)
	}
}

// clusterProperties returns the connectedCluster's properties as the management API shows them.
func (th *testHub) clusterProperties(name string) map[string]any {
	th.t.Helper()
	status, raw := th.arm(http.MethodGet, clusterID(name), nil)
	var doc struct {
		Properties map[string]any `json:"properties"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(raw), &doc) != nil {
		th.t.Fatalf("GET %s: %d %s", name, status, raw)
	}
	return doc.Properties
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, _ := hubtest.AgentKey(t)
	return key
}

// newClient returns a client of the hub for cluster name with key; edit adjusts its options.
func (th *testHub) newClient(name string, key *ecdsa.PrivateKey, edit ...func(*agentclient.Options)) *agentclient.Client {
	th.t.Helper()
	o := agentclient.Options{HubURL: th.URL, ClusterID: clusterID(name), Key: key, HubCAPEM: th.CAPEM, Timeout: 10 * time.Second}
	for _, e := range edit {
		e(&o)
	}
	c, err := agentclient.New(o)
	if err != nil {
		th.t.Fatalf("agentclient.New: %v", err)
	}
	th.t.Cleanup(c.Close)
	return c
}

// agent creates the cluster c1 and returns its registered client.
func (th *testHub) agent() *agentclient.Client {
	th.t.Helper()
	c := th.newClient("c1", th.createCluster("c1"))
	if _, err := c.Register(context.Background()); err != nil {
		th.t.Fatalf("registering c1: %v", err)
	}
	return c
}
