/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package hubclient_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/hubclient"
)

const (
	sub     = "00000000-0000-0000-0000-0000000000aa"
	rg      = "edge-eu"
	api2024 = "?api-version=2024-01-01"
	// hubName is in the hub's serving certificate; tests resolve it to the hub's address.
	hubName = "hub.test"
)

// clock is a settable clock for the hub under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testHub is the real hub, serving HTTPS on a loopback port from a temp data directory.
type testHub struct {
	t      *testing.T
	dir    string
	addr   string
	clock  *clock
	caPEM  []byte
	admin  string
	cancel context.CancelFunc
	done   chan error
}

func newTestHub(t *testing.T) *testHub {
	t.Helper()
	return startHub(t, t.TempDir(), "127.0.0.1:0", &clock{t: time.Now()})
}

// startHub runs a hub on dir, listening on listen; a restart passes the previous hub's dir,
// address and clock.
func startHub(t *testing.T, dir, listen string, clk *clock) *testHub {
	t.Helper()
	ready := make(chan string, 1)
	cfg := server.Config{
		Listen: listen, DataDir: dir, Hosts: []string{hubName}, Log: slog.New(slog.DiscardHandler),
		CertLifetime: 24 * time.Hour, FlushInterval: time.Hour, BookmarkInterval: 100 * time.Millisecond,
		ShutdownTimeout: 5 * time.Second, Now: clk.Now, Ready: func(addr string) { ready <- addr },
	}
	ctx, cancel := context.WithCancel(context.Background())
	th := &testHub{t: t, dir: dir, clock: clk, cancel: cancel, done: make(chan error, 1)}
	go func() { th.done <- server.Run(ctx, cfg) }()
	select {
	case th.addr = <-ready:
	case err := <-th.done:
		cancel()
		t.Fatalf("the hub did not start: %v", err)
	}
	t.Cleanup(th.stop)
	var err error
	if th.caPEM, err = os.ReadFile(filepath.Join(dir, "ca.crt")); err != nil {
		t.Fatalf("reading the hub CA: %v", err)
	}
	token, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	if err != nil {
		t.Fatalf("reading the admin token: %v", err)
	}
	th.admin = strings.TrimSpace(string(token))
	return th
}

// stop shuts the hub down (idempotent).
func (th *testHub) stop() {
	if th.cancel == nil {
		return
	}
	th.cancel()
	th.cancel = nil
	if err := <-th.done; err != nil {
		th.t.Errorf("hub shutdown: %v", err)
	}
}

// restart stops the hub and starts a new one on the same data directory and address.
func (th *testHub) restart() *testHub {
	th.t.Helper()
	th.stop()
	return startHub(th.t, th.dir, th.addr, th.clock)
}

// arm calls the management API as the admin and returns the status and body.
func (th *testHub) arm(method, path string, body any) (int, string) {
	th.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			th.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, "https://"+th.addr+path+api2024, rd)
	if err != nil {
		th.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+th.admin)
	req.Header.Set("Content-Type", "application/json")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(th.caPEM)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		th.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func clusterID(name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// createCluster creates a connectedCluster whose agent holds the returned key, as
// arcctl connectedk8s connect would.
func (th *testHub) createCluster(name string) *ecdsa.PrivateKey {
	th.t.Helper()
	key := newKey(th.t)
	pub, err := pki.EncodeAgentPublicKey(&key.PublicKey)
	if err != nil {
		th.t.Fatal(err)
	}
	body := map[string]any{
		"location":   "westeurope",
		"identity":   map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{"agentPublicKeyCertificate": pub, "distribution": "k3s", "infrastructure": "bare_metal"},
	}
	if status, raw := th.arm(http.MethodPut, clusterID(name), body); status != http.StatusCreated {
		th.t.Fatalf("creating cluster %s: %d %s", name, status, raw)
	}
	return key
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
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// newClient returns a client of the hub for cluster name with key; edit adjusts its options.
func (th *testHub) newClient(name string, key *ecdsa.PrivateKey, edit ...func(*hubclient.Options)) *hubclient.Client {
	th.t.Helper()
	o := hubclient.Options{HubURL: "https://" + th.addr, ClusterID: clusterID(name), Key: key, HubCAPEM: th.caPEM, Timeout: 10 * time.Second}
	for _, e := range edit {
		e(&o)
	}
	c, err := hubclient.New(o)
	if err != nil {
		th.t.Fatalf("hubclient.New: %v", err)
	}
	th.t.Cleanup(c.Close)
	return c
}

// agent creates the cluster c1 and returns its registered client.
func (th *testHub) agent() *hubclient.Client {
	th.t.Helper()
	c := th.newClient("c1", th.createCluster("c1"))
	if _, err := c.Register(context.Background()); err != nil {
		th.t.Fatalf("registering c1: %v", err)
	}
	return c
}
