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
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// testHub is a real hub serving HTTPS on a loopback port, on SQLite in a temp directory,
// with a clock the test moves.
type testHub struct {
	t *testing.T
	*hubtest.Hub
}

// startHub starts a hub with the tests' settings (small pages, short bookmarks, the test's
// clock), then what opts.Configure adjusts.
func startHub(t *testing.T, opts hubtest.Options) *testHub {
	t.Helper()
	configure := opts.Configure
	// The data directory is the test's, so that it outlives Stop: tests look at it afterwards.
	opts.DataDir, opts.Clock = t.TempDir(), hubtest.NewClock()
	opts.Configure = func(cfg *server.Config) {
		cfg.OfflineAfter, cfg.ExpiredAfter, cfg.CertLifetime = 5*time.Minute, time.Hour, 24*time.Hour
		cfg.FlushInterval, cfg.PageSize, cfg.BookmarkInterval = time.Hour, 2, 100*time.Millisecond
		cfg.StoreDSN = testStoreDSN(t)
		if configure != nil {
			configure(cfg)
		}
	}
	h, err := hubtest.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("starting hub: %v", err)
	}
	return withCleanup(t, h)
}

func newTestHub(t *testing.T) *testHub { return startHub(t, hubtest.Options{}) }

func withCleanup(t *testing.T, h *hubtest.Hub) *testHub {
	th := &testHub{t: t, Hub: h}
	t.Cleanup(th.stop)
	return th
}

// restart stops the hub and starts it again on its address, data and clock.
func (th *testHub) restart() *testHub {
	th.t.Helper()
	h, err := th.Restart(context.Background())
	if err != nil {
		th.t.Fatalf("restarting hub: %v", err)
	}
	return withCleanup(th.t, h)
}

// stop shuts the hub down gracefully (idempotent).
func (th *testHub) stop() {
	if err := th.Stop(); err != nil {
		th.t.Errorf("hub shutdown: %v", err)
	}
}

func (th *testHub) url(path string) string { return th.URL + path }

// caPool is a pool of the hub's CA.
func (th *testHub) caPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(th.CAPEM)
	return pool
}

// client returns an HTTPS client trusting the hub CA, presenting cert if given.
func (th *testHub) client(cert *tls.Certificate) *http.Client {
	tlsCfg := &tls.Config{RootCAs: th.caPool(), MinVersion: tls.VersionTLS12}
	if cert != nil {
		tlsCfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg, ForceAttemptHTTP2: true}, Timeout: 10 * time.Second}
}

// response is a decoded answer.
type response struct {
	status int
	body   map[string]any
	raw    string
}

// errorCode returns the ARM error code of an error answer.
func (r response) errorCode() string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r response) errorMessage() string {
	e, _ := r.body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

// do sends a request with a bearer token (none when token is empty).
func (th *testHub) do(method, path, token string, body any) response {
	th.t.Helper()
	return th.send(th.client(nil), method, path, token, body)
}

func (th *testHub) send(c *http.Client, method, path, token string, body any) response {
	th.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			th.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, th.url(path), rd)
	if err != nil {
		th.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		th.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

const api2024 = "?api-version=2024-01-01"

func clusterPath(sub, rg, name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// agentKey is a cluster agent's key pair, as the agent would generate it.
type agentKey struct {
	key    crypto.Signer // ECDSA as the agent makes it, or RSA as az connectedk8s does
	public string        // agentPublicKeyCertificate
}

func newAgentKey(t *testing.T) agentKey {
	t.Helper()
	key, public := hubtest.AgentKey(t)
	return agentKey{key: key, public: public}
}

func clusterBody(k agentKey) map[string]any {
	return map[string]any{
		"location": "westeurope",
		"tags":     map[string]string{"env": "test"},
		"identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{
			"agentPublicKeyCertificate": k.public,
			"distribution":              "k3s",
			"infrastructure":            "bare_metal",
		},
	}
}

// createCluster creates a connectedCluster as the admin and returns its agent key.
func (th *testHub) createCluster(sub, rg, name string) agentKey {
	th.t.Helper()
	k := newAgentKey(th.t)
	if r := th.do(http.MethodPut, clusterPath(sub, rg, name)+api2024, th.AdminToken, clusterBody(k)); r.status != http.StatusCreated {
		th.t.Fatalf("creating cluster: %d %s", r.status, r.raw)
	}
	return k
}

func csrPEM(t *testing.T, key crypto.Signer) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "agent"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// register proves possession of k for the cluster and returns the answer and, on success, a
// TLS certificate to use as the agent.
func (th *testHub) register(clusterID string, k agentKey) (response, *tls.Certificate) {
	th.t.Helper()
	r := th.do(http.MethodPost, protocol.PathRegister, "", protocol.RegisterRequest{ResourceID: clusterID, CSR: csrPEM(th.t, k.key)})
	if r.status != http.StatusOK {
		return r, nil
	}
	certPEM, _ := r.body["certificate"].(string)
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil {
		th.t.Fatalf("registration answered no PEM certificate: %s", r.raw)
	}
	return r, &tls.Certificate{Certificate: [][]byte{block.Bytes}, PrivateKey: k.key}
}

// agent registers a new cluster's agent and returns its HTTPS client.
func (th *testHub) agent(name string) (*http.Client, agentKey) {
	th.t.Helper()
	k := th.createCluster(sub, rg, name)
	r, cert := th.register(clusterPath(sub, rg, name), k)
	if cert == nil {
		th.t.Fatalf("registering: %d %s", r.status, r.raw)
	}
	return th.client(cert), k
}

// props returns the properties of a cluster answer.
func (r response) props() map[string]any {
	p, _ := r.body["properties"].(map[string]any)
	return p
}
