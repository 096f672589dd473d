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
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	// The pure-Go SQLite driver, for the integrity check of the crashed hub's database.
	_ "modernc.org/sqlite"
)

// hubProcess is the kubearc-hub binary running as a process on a data directory.
type hubProcess struct {
	cmd     *exec.Cmd
	url     string
	token   string
	client  *http.Client
	dataDir string
}

// buildHub builds the kubearc-hub binary into a temporary directory and returns its path.
func buildHub(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kubearc-hub")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "../../cmd/kubearc-hub")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building kubearc-hub: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address no one listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// startHubProcess starts bin serving on addr from dataDir and waits until it answers.
func startHubProcess(t *testing.T, bin, addr, dataDir string) *hubProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", dataDir, "--log-level", "error") //nolint:noctx // stopped by the test
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting kubearc-hub: %v", err)
	}
	p := &hubProcess{cmd: cmd, url: "https://" + addr, dataDir: dataDir}
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if p.ready() {
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("kubearc-hub on %s did not become ready", addr)
	return nil
}

// ready reads the admin token and CA once the hub wrote them and reports whether it serves.
func (p *hubProcess) ready() bool {
	token, err1 := os.ReadFile(filepath.Join(p.dataDir, "admin.token"))
	ca, err2 := os.ReadFile(filepath.Join(p.dataDir, "ca.crt"))
	if err1 != nil || err2 != nil {
		return false
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	p.token = strings.TrimSpace(string(token))
	p.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 64}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, p.url+"/readyz", nil)
	resp, err := p.client.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (p *hubProcess) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// integrityCheck runs PRAGMA integrity_check on the hub's database, which no process may
// have open, and fails the test unless it answers ok.
func integrityCheck(t *testing.T, dataDir string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dataDir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var result string
	if err := db.QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&result); err != nil || result != "ok" {
		t.Errorf("PRAGMA integrity_check = %q, %v; want ok", result, err)
	}
}
