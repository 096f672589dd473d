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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/cli/arcctl"
	"github.com/kubearc/kubearc/pkg/agentclient"
)

const (
	testSub   = "00000000-0000-0000-0000-0000000000aa"
	testGroup = "edge-eu"
	// testPageSize is the hub's listing page size, small so that listings page.
	testPageSize = 2
)

// testHub is a real hub serving HTTPS on a loopback port, on SQLite in a temp directory.
type testHub struct {
	t *testing.T
	*hubtest.Hub
}

func startHub(t *testing.T) *testHub {
	t.Helper()
	hub, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: t.TempDir(), Configure: func(cfg *server.Config) {
		cfg.OfflineAfter, cfg.FlushInterval, cfg.PageSize = 5*time.Minute, time.Hour, testPageSize
		cfg.ShutdownTimeout = 5 * time.Second
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := hub.Stop(); err != nil {
			t.Error(err)
		}
	})
	return &testHub{t: t, Hub: hub}
}

// get reads path as the admin over plain HTTPS, for what the CLI cannot show yet.
func (h *testHub) get(path string) (int, map[string]any) {
	h.t.Helper()
	status, raw, err := h.ARM(http.MethodGet, path, h.AdminToken, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return status, out
}

func clusterPath(group, name string) string {
	return "/subscriptions/" + testSub + "/resourceGroups/" + group + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// createCluster PUTs a connected cluster with a fresh agent key, as 'connect' will.
func (h *testHub) createCluster(group, name string) {
	h.t.Helper()
	_, pub := hubtest.AgentKey(h.t)
	if err := h.PutCluster(clusterPath(group, name), pub); err != nil {
		h.t.Fatal(err)
	}
}

// registerAgent creates the connected cluster store-042 in testGroup with a fresh agent key
// and registers its agent, which is closed when the test ends.
func (h *testHub) registerAgent() *agentclient.Client {
	h.t.Helper()
	key, pub := hubtest.AgentKey(h.t)
	id := clusterPath(testGroup, "store-042")
	if err := h.PutCluster(id, pub); err != nil {
		h.t.Fatal(err)
	}
	hc, err := agentclient.New(agentclient.Options{HubURL: h.URL, ClusterID: id, Key: key, HubCAPEM: h.CAPEM})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(hc.Close)
	if _, err := hc.Register(h.t.Context()); err != nil {
		h.t.Fatal(err)
	}
	return hc
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
	return result{code: u.execute(ctx, streams, args), stdout: stdout.String(), stderr: stderr.String()}
}

// execute runs arcctl with the user's environment until it ends or ctx does (Ctrl-C).
func (u *user) execute(ctx context.Context, streams arcctl.Streams, args []string) int {
	return arcctl.Execute(ctx, args, streams, func(k string) string { return u.env[k] })
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
	u.mustRun("login", "--hub", h.URL, "--ca-file", h.CAFile, "--token", token, "--subscription", testSub)
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
