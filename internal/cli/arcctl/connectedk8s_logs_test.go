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

package arcctl_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/kubearc/kubearc/internal/cli/arcctl"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// shipLogs sends a batch of lines as the agent, with dropped lines before them.
func shipLogs(t *testing.T, agent *agentclient.Client, dropped int64, lines ...protocol.LogLine) {
	t.Helper()
	if err := agent.SendLogs(t.Context(), protocol.LogBatch{Lines: lines, Dropped: dropped}); err != nil {
		t.Fatal(err)
	}
}

func agentLine(at time.Time, level, msg, fields string) protocol.LogLine {
	return protocol.LogLine{Time: at, Level: level, Logger: "connection", Message: msg, Fields: json.RawMessage(fields)}
}

func TestLogsPrintsTheAgentsLogFiltered(t *testing.T) {
	h := startHub(t)
	agent := h.registerAgent()
	at := time.Now().UTC().Truncate(time.Second)
	shipLogs(t, agent, 1234,
		agentLine(at.Add(-2*time.Hour), "info", "Registered with the hub", `{"notAfter":"2026-06-01T00:00:00Z"}`),
		agentLine(at, "error", "Installing the chart failed", `{"chart":"flux","attempt":2,"reason":"context deadline exceeded"}`))
	u := newUser(t)
	u.login(h, h.AdminToken)
	logs := func(flags ...string) string {
		return u.mustRun(append([]string{"connectedk8s", "logs", "-n", "store-042", "-g", testGroup}, flags...)...)
	}

	wantLines(t, logs(),
		`^\S+Z warn  kubearc-hub … 1234 lines dropped by the agent while the hub was unreachable$`,
		`^`+at.Add(-2*time.Hour).Format(time.RFC3339)+` info  connection Registered with the hub notAfter=2026-06-01T00:00:00Z$`,
		`^`+at.Format(time.RFC3339)+` error connection Installing the chart failed attempt=2 chart=flux reason="context deadline exceeded"$`)
	if got := logs("--level", "error", "--since", "1h"); strings.Count(got, "\n") != 1 || !strings.Contains(got, "Installing the chart failed") {
		t.Errorf("--level error --since 1h printed:\n%s", got)
	}
	if got := logs("--grep", "Registered"); strings.Count(got, "\n") != 1 || !strings.Contains(got, "Registered with the hub") {
		t.Errorf("--grep Registered printed:\n%s", got)
	}
	var first protocol.LogLine
	if err := json.Unmarshal([]byte(strings.SplitN(logs("-o", "json", "--since", "1h"), "\n", 2)[0]), &first); err != nil || first.Level != "warn" {
		t.Errorf("-o json first line = %+v, %v", first, err)
	}
	wantFailure(t, u.run("connectedk8s", "logs", "-n", "store-042", "-g", testGroup, "--level", "loud"), "InvalidParameter", "level must be one of")
}

// follow starts 'logs --follow' for store-042; it returns stdout and the exit code channel.
func follow(u *user, ctx context.Context) (*syncbuf.Buffer, <-chan int) {
	out, code := &syncbuf.Buffer{}, make(chan int, 1)
	streams := arcctl.Streams{In: strings.NewReader(""), Out: out, Err: &syncbuf.Buffer{}}
	go func() {
		code <- u.execute(ctx, streams, []string{"connectedk8s", "logs", "-n", "store-042", "-g", testGroup, "--follow"})
	}()
	return out, code
}

func waitForOutput(t *testing.T, out *syncbuf.Buffer, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("--follow did not print %q; printed:\n%s", want, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLogsFollow: --follow prints lines shipped while it runs, until Ctrl-C or the cluster's
// deletion ends it, with exit code 0 either way.
func TestLogsFollow(t *testing.T) {
	h := startHub(t)
	agent := h.registerAgent()
	u := newUser(t)
	u.login(h, h.AdminToken)

	ctx, interrupt := context.WithCancel(t.Context())
	out, code := follow(u, ctx)
	time.Sleep(200 * time.Millisecond) // the stream may open before or after the batch: both show it
	shipLogs(t, agent, 0, agentLine(time.Now().UTC(), "info", "Heartbeat interval changed", `{"interval":"30s"}`))
	waitForOutput(t, out, "Heartbeat interval changed interval=30s")
	interrupt()
	if c := <-code; c != 0 {
		t.Errorf("after Ctrl-C: exit %d\n%s", c, out.String())
	}

	out, code = follow(u, t.Context())
	waitForOutput(t, out, "Heartbeat interval changed")
	u.mustRun("connectedk8s", "delete", "-n", "store-042", "-g", testGroup, "--yes")
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("after the deletion: exit %d", c)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("--follow went on after the cluster was deleted")
	}
}

func TestUsageAndShowPrintTheAgentsUse(t *testing.T) {
	h := startHub(t)
	agent := h.registerAgent()
	u := newUser(t)
	u.login(h, h.AdminToken)
	show := func() string { return u.mustRun("connectedk8s", "show", "-n", "store-042", "-g", testGroup) }
	wantLines(t, show(), `^Agent CPU:\s+-$`, `^Agent memory:\s+-$`)

	if _, err := agent.Heartbeat(t.Context(), protocol.Heartbeat{AgentCPUMillicores: 7, AgentMemoryBytes: 50 << 20}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, show(), `^Agent CPU:\s+7 millicores \(at \S+Z\)$`, `^Agent memory:\s+50\.0 MiB$`)
	r := u.run("connectedk8s", "usage", "-n", "store-042", "-g", testGroup)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No usage samples") {
		t.Errorf("usage before the heartbeat was written behind:\n%s", r)
	}

	next, err := h.Restart(t.Context()) // the hub writes the heartbeat behind as it stops
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = next.Stop() })
	wantLines(t, u.mustRun("connectedk8s", "usage", "-n", "store-042", "-g", testGroup, "--since", "24h"),
		`^TIME\s+CPU \(millicores\)\s+MEMORY \(MiB\)$`, `^\S+Z\s+7\s+50\.0$`)
	var usage struct {
		Current struct{ CPUMillicores int64 } `json:"current"`
	}
	if err := json.Unmarshal([]byte(u.mustRun("connectedk8s", "usage", "-n", "store-042", "-g", testGroup, "-o", "json")), &usage); err != nil ||
		usage.Current.CPUMillicores != 7 {
		t.Errorf("usage -o json = %+v, %v", usage, err)
	}
}

// TestShowWithoutTheUsage shows a cluster through a proxy that fails the hub's usage
// endpoint: the details are printed without the agent's use, and a note says why.
func TestShowWithoutTheUsage(t *testing.T) {
	h := startHub(t)
	h.registerAgent()
	hubURL, err := url.Parse(h.URL)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(h.CAPEM)
	proxy := httputil.NewSingleHostReverseProxy(hubURL)
	proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	front := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/usage") {
			http.Error(w, `{"error":{"code":"InternalError","message":"the store is down"}}`, http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	caFile := filepath.Join(t.TempDir(), "front-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	u.mustRun("login", "--hub", front.URL, "--ca-file", caFile, "--token", h.AdminToken, "--subscription", testSub)
	r := u.run("connectedk8s", "show", "-n", "store-042", "-g", testGroup)
	if r.code != 0 || !strings.Contains(r.stdout, "store-042") || strings.Contains(r.stdout, "Agent CPU") ||
		!strings.Contains(r.stderr, "the agent's CPU and memory are not shown") {
		t.Errorf("show with the usage endpoint failing:\n%s", r)
	}
}
