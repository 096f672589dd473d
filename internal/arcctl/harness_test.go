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

package arcctl_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/arcctl"
)

const (
	testSub   = "00000000-0000-0000-0000-0000000000aa"
	testGroup = "edge-eu"
	// testPageSize is the hub's listing page size, small so that listings page.
	testPageSize = 2
)

// testHub is a real hub serving HTTPS on a loopback port, on SQLite in a temp directory.
type testHub struct {
	t      *testing.T
	url    string
	caFile string
	admin  string
	http   *http.Client
}

func startHub(t *testing.T) *testHub {
	t.Helper()
	dataDir := t.TempDir()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := server.Config{
		Listen: "127.0.0.1:0", DataDir: dataDir, Log: slog.New(slog.DiscardHandler),
		OfflineAfter: 5 * time.Minute, FlushInterval: time.Hour, PageSize: testPageSize,
		ShutdownTimeout: 5 * time.Second, Ready: func(addr string) { ready <- addr },
	}
	go func() { done <- server.Run(ctx, cfg) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("hub stopped at start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
	})
	admin, err := os.ReadFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		t.Fatalf("reading the admin token: %v", err)
	}
	caFile := filepath.Join(dataDir, "ca.crt")
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatalf("reading the hub CA: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return &testHub{t: t, url: "https://" + addr, caFile: caFile, admin: strings.TrimSpace(string(admin)), http: client}
}

// do sends a plain HTTPS request as the admin, for what the CLI cannot do yet.
func (h *testHub) do(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func clusterPath(group, name string) string {
	return "/subscriptions/" + testSub + "/resourceGroups/" + group + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// createCluster PUTs a connected cluster with a fresh agent key, as 'connect' will.
func (h *testHub) createCluster(group, name string) {
	h.t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	pub, err := pki.EncodeAgentPublicKey(&key.PublicKey)
	if err != nil {
		h.t.Fatal(err)
	}
	status, body := h.do(http.MethodPut, clusterPath(group, name)+"?api-version=2024-01-01", map[string]any{
		"location": "westeurope",
		"tags":     map[string]string{"env": "test"},
		"identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{
			"agentPublicKeyCertificate": pub, "distribution": "k3s", "infrastructure": "bare_metal",
		},
	})
	if status != http.StatusCreated {
		h.t.Fatalf("creating cluster %s: %d %v", name, status, body)
	}
}

// user is one person at a terminal: their own configuration file and environment.
type user struct {
	t   *testing.T
	env map[string]string
}

func newUser(t *testing.T) *user {
	return &user{t: t, env: map[string]string{"KUBEARC_CONFIG": filepath.Join(t.TempDir(), "kubearc", "config.yaml")}}
}

func (u *user) configPath() string { return u.env["KUBEARC_CONFIG"] }

// result is what the user sees.
type result struct {
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs arcctl with no input on a non-terminal stdin.
func (u *user) run(args ...string) result {
	u.t.Helper()
	return u.runWithInput("", false, args...)
}

// runWithInput runs arcctl with stdin, as a terminal when interactive.
func (u *user) runWithInput(stdin string, interactive bool, args ...string) result {
	u.t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(u.t.Context(), 30*time.Second)
	defer cancel()
	streams := arcctl.Streams{In: strings.NewReader(stdin), Out: &stdout, Err: &stderr, Interactive: interactive}
	code := arcctl.Execute(ctx, args, streams, func(k string) string { return u.env[k] })
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustRun runs arcctl and fails the test unless it succeeds.
func (u *user) mustRun(args ...string) string {
	u.t.Helper()
	r := u.run(args...)
	if r.code != 0 {
		u.t.Fatalf("arcctl %s failed:\n%s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// login logs the user in to h with token.
func (u *user) login(h *testHub, token string) {
	u.t.Helper()
	u.mustRun("login", "--hub", h.url, "--ca-file", h.caFile, "--token", token, "--subscription", testSub)
}

// wantFailure checks that r failed with stderr containing every piece of want.
func wantFailure(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.code == 0 {
		t.Errorf("exit code 0, want an error\n%s", r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not contain %q\n%s", w, r)
		}
	}
}
