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
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
)

// exchange sends a request and returns the answer's headers and body as text.
func (th *testHub) exchange(method, path string, body any) (http.Header, string) {
	th.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, path, rd)
	req.Header.Set("Authorization", "Bearer "+th.AdminToken)
	resp, err := th.client(nil).Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return resp.Header, string(raw)
}

// scanDataFiles fails when the hub's database files hold a canary ("CANARY").
func (th *testHub) scanDataFiles(when string) {
	th.t.Helper()
	for _, name := range []string{"hub.db", "hub.db-wal", "hub.db-shm"} {
		data, err := os.ReadFile(filepath.Join(th.DataDir, name))
		if err != nil && !os.IsNotExist(err) {
			th.t.Fatal(err)
		}
		if bytes.Contains(data, []byte("CANARY")) {
			th.t.Errorf("%s: %s holds a protected setting in clear", when, name)
		}
	}
}

// leakScan is a hub whose log is kept and the answers it gave, to look for secrets in.
type leakScan struct {
	*testHub
	logs    *syncbuf.Buffer
	answers []string
}

// startLeakScan starts a hub that logs at debug level into scan.logs.
func startLeakScan(t *testing.T) *leakScan {
	scan := &leakScan{logs: &syncbuf.Buffer{}}
	scan.testHub = startHub(t, hubtest.Options{Configure: func(cfg *server.Config) {
		cfg.Log = slog.New(slog.NewTextHandler(scan.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}})
	return scan
}

// collect keeps an answer's body and Azure-AsyncOperation header to scan.
func (scan *leakScan) collect(h http.Header, body string) http.Header {
	scan.answers = append(scan.answers, body, h.Get("Azure-AsyncOperation"))
	return h
}

// answersWithout fails for every collected answer that shows s.
func (scan *leakScan) answersWithout(s string) {
	scan.t.Helper()
	for i, a := range scan.answers {
		if strings.Contains(a, s) {
			scan.t.Errorf("answer %d shows a protected setting: %s", i, a)
		}
	}
}

// logWithout fails when the hub's log shows s, or when nothing was logged.
func (scan *leakScan) logWithout(s string) {
	scan.t.Helper()
	if l := scan.logs.String(); strings.Contains(l, s) || l == "" {
		scan.t.Errorf("the hub's log shows a protected setting (or nothing was logged): %s", l)
	}
}

// rekey gives the cluster a new agent key and registers its agent with it; it returns the
// key and the agent's client with its new certificate.
func (th *testHub) rekey(cluster string) (agentKey, *http.Client) {
	th.t.Helper()
	newKey := newAgentKey(th.t)
	if r := th.do(http.MethodPut, clusterPath(sub, rg, cluster)+api2024, th.AdminToken, clusterBody(newKey)); r.status != http.StatusOK {
		th.t.Fatalf("changing the agent key: %d %s", r.status, r.raw)
	}
	_, newCert := th.register(clusterPath(sub, rg, cluster), newKey)
	return newKey, th.client(newCert)
}
