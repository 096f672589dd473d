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
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
)

// http1Client is an HTTPS client of the hub that speaks HTTP/1.1 only.
func (th *testHub) http1Client() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: th.caPool(), MinVersion: tls.VersionTLS12},
		TLSNextProto:    map[string]func(string, *tls.Conn) http.RoundTripper{}}}
}

func TestBadInputGetsARMErrors(t *testing.T) {
	th := newTestHub(t)
	withLocation := func(location string) map[string]any {
		b := clusterBody(newAgentKey(t))
		b["location"] = location
		return b
	}
	path := clusterPath(sub, rg, "c1") + api2024
	list := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters" + api2024
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"location with markup", "PUT", path, withLocation("<script>x</script>"), 400, "InvalidParameter"},
		{"location with a control character", "PUT", path, withLocation("west\neurope"), 400, "InvalidParameter"},
		{"location too long", "PUT", path, withLocation(strings.Repeat("a", 100_000)), 400, "InvalidParameter"},
		{"blank location", "PUT", path, withLocation("   "), 400, "MissingRequiredProperty"},
		{"body over the limit", "PUT", path, withLocation(strings.Repeat("a", 2<<20)), 413, "RequestEntityTooLarge"},
		{"dot segment", "GET", "/subscriptions/" + sub + "/../x" + api2024, nil, 400, "InvalidRequestUri"},
		{"encoded dot segment", "GET", "/subscriptions/" + sub + "/%2e%2e/x" + api2024, nil, 400, "InvalidRequestUri"},
		{"dot segment in the agent API", "POST", "/agent/v1/./register", `{}`, 400, "InvalidRequestUri"},
		{"empty segment", "GET", "/subscriptions//resourceGroups" + api2024, nil, 400, "InvalidRequestUri"},
		{"list of an invalid subscription", "GET", "/subscriptions/a%20b/providers/Microsoft.Kubernetes/connectedClusters" + api2024, nil, 400, "InvalidParameter"},
		{"list of an invalid resource group", "GET", strings.Replace(list, rg, "bad%3Cgroup%3E", 1), nil, 400, "InvalidParameter"},
		{"token name with a newline", "POST", "/kubearc/v1/tokens", map[string]any{"name": "a\nb", "role": "Reader"}, 400, "InvalidParameter"},
		{"token name over the limit", "POST", "/kubearc/v1/tokens", map[string]any{"name": strings.Repeat("n", 500), "role": "Reader"}, 400, "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(tt.method, tt.path, th.AdminToken, tt.body)
			if r.status != tt.status || r.errorCode() != tt.code {
				t.Fatalf("got %d %.300s, want %d %s", r.status, r.raw, tt.status, tt.code)
			}
		})
	}
	if r := th.do("PUT", path, th.AdminToken, withLocation("West Europe")); r.status != http.StatusCreated {
		t.Fatalf("a display-name location: %d %s", r.status, r.raw)
	}
}

// TestOversizedBodiesGet413OverHTTP1: a client that sends its whole body before reading
// the answer gets the 413, not a connection reset, whether the length is declared or chunked.
func TestOversizedBodiesGet413OverHTTP1(t *testing.T) {
	th := newTestHub(t)
	c := th.http1Client()
	body := `{"location":"` + strings.Repeat("a", 3<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		var rd io.Reader = strings.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd) // hides the length
		}
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, th.url(clusterPath(sub, rg, "c1")+api2024), rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+th.AdminToken)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("chunked %v: %v", chunked, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(raw), "RequestEntityTooLarge") {
			t.Errorf("chunked %v: %d %s, want a 413 ARM error", chunked, resp.StatusCode, raw)
		}
	}
}

// TestDataDirectoryIsOwnerOnly: a data directory the hub creates, and every file in it, the
// database's WAL and shared memory too, are for the hub's user only.
func TestDataDirectoryIsOwnerOnly(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.DataDir = dataDir }})
	th.createCluster(sub, rg, "c1") // a write, so that the WAL exists
	files := []string{"hub.db", "hub.db-wal", "hub.db-shm", "admin.token", "ca.key"}
	for _, name := range files {
		info, err := os.Stat(filepath.Join(th.DataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %o: readable by others", name, perm)
		}
	}
	if info, err := os.Stat(th.DataDir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("data directory: %v %v, want mode 700", info.Mode(), err)
	}
}
