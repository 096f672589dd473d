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
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func workspaceID(group, name string) string {
	return "/subscriptions/" + testSub + "/resourceGroups/" + group + "/providers/Microsoft.OperationalInsights/workspaces/" + name
}

func TestMonitoringWorkspaceCommands(t *testing.T) {
	const canary = "CANARY-cli-workspace-token"
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(canary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws := []string{"monitoring", "workspace"}
	out := u.mustRun(append(ws, "create", "-n", "logs-eu", "-g", testGroup, "--otlp-endpoint", "https://otlp.example.com:4318",
		"--prometheus-remote-write-url", "https://prom.example.com/api/v1/write", "--bearer-token-file", tokenFile)...)
	wantLines(t, out, `^Workspace 'logs-eu' created: `+workspaceID(testGroup, "logs-eu")+`$`)
	for _, name := range []string{"logs-us", "logs-ap"} {
		u.mustRun(append(ws, "create", "-n", name, "-g", testGroup, "--otlp-endpoint", "https://otlp.example.com")...)
	}
	// The token came from the file, not the command line, and reached the hub without the line end.
	status, doc := h.get(workspaceID(testGroup, "logs-eu") + "?api-version=2022-10-01")
	if props, _ := doc["properties"].(map[string]any); status != http.StatusOK || props["credentials"].(map[string]any)["bearerTokenSet"] != true {
		t.Fatalf("the hub has %d %v", status, doc)
	}

	show := u.mustRun(append(ws, "show", "-n", "logs-eu", "-g", testGroup)...)
	wantLines(t, show, `^OTLP endpoint:\s+https://otlp\.example\.com:4318$`, `^Prometheus remote write:\s+https://prom\.example\.com/api/v1/write$`,
		`^Bearer token:\s+set$`)
	list := u.mustRun(append(ws, "list", "-g", testGroup)...)
	wantLines(t, list, `^NAME\s+RESOURCE GROUP\s+OTLP ENDPOINT\s+REMOTE WRITE\s+TOKEN$`,
		`^logs-ap\s+edge-eu\s+https://otlp\.example\.com\s+-\s+none$`, `^logs-eu\s+edge-eu\s+https://otlp\.example\.com:4318\s+https://prom\.example\.com/api/v1/write\s+set$`,
		`^logs-us\s+`)
	asJSON := u.mustRun(append(ws, "show", "-n", "logs-eu", "-g", testGroup, "-o", "json")...)
	for _, o := range []string{out, show, list, asJSON} {
		if strings.Contains(o, "CANARY") {
			t.Errorf("arcctl shows the token: %s", o)
		}
	}

	// Replacing without a token file keeps the token.
	u.mustRun(append(ws, "create", "-n", "logs-eu", "-g", testGroup, "--otlp-endpoint", "https://otlp2.example.com")...)
	wantLines(t, u.mustRun(append(ws, "show", "-n", "logs-eu", "-g", testGroup)...), `^Bearer token:\s+set$`, `^OTLP endpoint:\s+https://otlp2\.example\.com$`)

	wantFailure(t, u.run(append(ws, "create", "-n", "logs-bad", "-g", testGroup, "--otlp-endpoint", "http://otlp.example.com")...),
		"properties.otlpEndpoint", "loopback")
	wantFailure(t, u.run(append(ws, "create", "-n", "logs-x", "-g", testGroup, "--otlp-endpoint", "https://o.example.com", "--bearer-token-file", filepath.Join(t.TempDir(), "none"))...),
		"reading --bearer-token-file")
	wantFailure(t, u.run(append(ws, "show", "-n", "logs-nope", "-g", testGroup)...), "logs-nope' was not found")

	wantLines(t, u.mustRun(append(ws, "delete", "-n", "logs-eu", "-g", testGroup, "--yes")...), `^Workspace 'logs-eu' deleted\.$`)
	wantLines(t, u.mustRun(append(ws, "delete", "-n", "logs-eu", "-g", testGroup, "--yes")...), `does not exist; nothing to delete\.$`)
}

func TestMonitoringWorkspaceTokenFromStdin(t *testing.T) {
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)
	r := u.runWithInput("stdin-token\n", false, "monitoring", "workspace", "create", "-n", "logs-eu", "-g", testGroup,
		"--otlp-endpoint", "https://otlp.example.com", "--bearer-token-file", "-")
	if r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	wantLines(t, u.mustRun("monitoring", "workspace", "show", "-n", "logs-eu", "-g", testGroup), `^Bearer token:\s+set$`)
	if f := u.run("monitoring", "workspace", "create", "-n", "logs-eu", "-g", testGroup, "--otlp-endpoint", "https://o.example.com", "--bearer-token", "x"); f.code == 0 {
		t.Errorf("a token on the command line was taken: %s", f)
	}
}
