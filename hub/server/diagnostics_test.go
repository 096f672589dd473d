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
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// postLogs sends a log batch body as an agent, gzip-compressed when zip is set.
func (th *testHub) postLogs(agent *http.Client, body []byte, zip bool) response {
	th.t.Helper()
	if zip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = buf.Bytes()
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, th.url(protocol.PathLogs), bytes.NewReader(body))
	if err != nil {
		th.t.Fatal(err)
	}
	if zip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := agent.Do(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func logBatchJSON(t *testing.T, dropped int64, lines ...protocol.LogLine) []byte {
	data, err := json.Marshal(protocol.LogBatch{Lines: lines, Dropped: dropped})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func logLine(level, msg string) protocol.LogLine {
	return protocol.LogLine{Time: time.Now().UTC(), Level: level, Logger: "connection", Message: msg, Fields: json.RawMessage(`{"attempt":1}`)}
}

// readLogs reads the log of cluster c1 as a user with query, returning the messages.
func (th *testHub) readLogs(query string) []string {
	th.t.Helper()
	r := th.do(http.MethodGet, "/kubearc/v1"+clusterPath(sub, rg, "c1")+"/logs"+query, th.AdminToken, nil)
	if r.status != http.StatusOK {
		th.t.Fatalf("GET logs%s: %d %s", query, r.status, r.raw)
	}
	var out []string
	for line := range strings.Lines(r.raw) {
		var l protocol.LogLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			th.t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, l.Message)
	}
	return out
}

// TestAgentLogsAreStoredAndFiltered: a gzip batch is stored; a user reads it back filtered by
// level and text, with the agent's dropped count shown as a line.
func TestAgentLogsAreStoredAndFiltered(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	body := logBatchJSON(t, 3, logLine("info", "Connected to the hub"), logLine("error", "Installing the chart failed"))
	if r := th.postLogs(agent, body, true); r.status != http.StatusNoContent {
		t.Fatalf("POST logs: %d %s", r.status, r.raw)
	}
	if got := th.readLogs(""); len(got) != 3 || !strings.Contains(got[0], "dropped 3") || got[2] != "Installing the chart failed" {
		t.Errorf("all lines = %q", got)
	}
	if got := th.readLogs("?level=error&since=1h"); len(got) != 1 || got[0] != "Installing the chart failed" {
		t.Errorf("level=error = %q", got)
	}
	if got := th.readLogs("?grep=Connected"); len(got) != 1 {
		t.Errorf("grep=Connected = %q", got)
	}
	if r := th.do(http.MethodGet, "/kubearc/v1"+clusterPath(sub, rg, "c1")+"/logs?level=loud", th.AdminToken, nil); r.status != http.StatusBadRequest {
		t.Errorf("level=loud: %d %s, want 400", r.status, r.raw)
	}
	if r := th.do(http.MethodGet, "/kubearc/v1"+clusterPath(sub, rg, "missing")+"/logs", th.AdminToken, nil); r.status != http.StatusNotFound {
		t.Errorf("logs of a missing cluster: %d, want 404", r.status)
	}
}

// TestLogGrepFindsHTMLCharactersInFields: <, > and & in a line's fields are stored and
// served as sent, so grep finds them.
func TestLogGrepFindsHTMLCharactersInFields(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	line := logLine("info", "Ran a query")
	line.Fields = json.RawMessage(`{"query":"a<b && c>d"}`)
	if r := th.postLogs(agent, logBatchJSON(t, 0, line), false); r.status != http.StatusNoContent {
		t.Fatalf("POST logs: %d %s", r.status, r.raw)
	}
	if got := th.readLogs("?grep=" + url.QueryEscape("a<b && c>d")); len(got) != 1 {
		t.Errorf("grep for a<b && c>d = %q, want the line", got)
	}
	r := th.do(http.MethodGet, "/kubearc/v1"+clusterPath(sub, rg, "c1")+"/logs", th.AdminToken, nil)
	if !strings.Contains(r.raw, `"query":"a<b && c>d"`) {
		t.Errorf("served line = %s, want the fields as sent", r.raw)
	}
}

// TestBadLogBatchesAreRefused: zip bombs, bad UTF-8, control characters and unknown levels
// are 4xx, and nothing of them is stored.
func TestBadLogBatchesAreRefused(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	bomb := []byte(`{"lines":[{"time":"2026-01-01T00:00:00Z","level":"info","message":"` + strings.Repeat("a", 8<<20) + `"}]}`)
	tests := []struct {
		name   string
		body   []byte
		status int
	}{
		{"a zip bomb", bomb, http.StatusRequestEntityTooLarge},
		{"bad UTF-8", []byte(`{"lines":[{"time":"2026-01-01T00:00:00Z","level":"info","message":"bad ` + "\xff\xfe" + `"}]}`), http.StatusBadRequest},
		{"control characters", logBatchJSON(t, 0, logLine("info", "forged\x1b[2J")), http.StatusBadRequest},
		{"an unknown level", logBatchJSON(t, 0, logLine("loud", "x")), http.StatusBadRequest},
		{"a negative dropped count", logBatchJSON(t, -1), http.StatusBadRequest},
		{"not JSON", []byte("{"), http.StatusBadRequest},
	}
	for _, tt := range tests {
		if r := th.postLogs(agent, tt.body, true); r.status != tt.status {
			t.Errorf("%s: %d %.300s, want %d", tt.name, r.status, r.raw, tt.status)
		}
	}
	if got := th.readLogs(""); len(got) != 0 {
		t.Errorf("stored after refused batches: %q", got)
	}
}

// TestFollowingAnAgentsLog: a follower sees a batch sent after it began, and its stream ends
// when the cluster is deleted.
func TestFollowingAnAgentsLog(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, th.url("/kubearc/v1"+clusterPath(sub, rg, "c1")+"/logs?follow=true"), nil)
	req.Header.Set("Authorization", "Bearer "+th.AdminToken)
	resp, err := th.client(nil).Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("follow: %v %v", resp, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if r := th.postLogs(agent, logBatchJSON(t, 0, logLine("info", "Sent while followed")), true); r.status != http.StatusNoContent {
		t.Fatalf("POST logs: %d %s", r.status, r.raw)
	}
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || !strings.Contains(lines.Text(), "Sent while followed") {
		t.Fatalf("followed line = %q, %v", lines.Text(), lines.Err())
	}
	if r := th.do(http.MethodDelete, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil); r.status >= 300 {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	// The stream ends with the hub's line telling why, and nothing after it.
	var end protocol.LogLine
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &end) != nil {
		t.Fatalf("after the deletion: %q %v, want the hub's end line", lines.Text(), lines.Err())
	}
	if reason, _ := protocol.StreamEndReason(end); reason != protocol.StreamEndedClusterDeleted {
		t.Errorf("end line %q: reason %q, want %q", lines.Text(), reason, protocol.StreamEndedClusterDeleted)
	}
	if lines.Scan() {
		t.Errorf("after the deletion the stream went on: %q", lines.Text())
	}
}

// TestFollowingEndsWhenTheTokenIsRevoked: revoking the token a follower opened its stream
// with ends the stream with the hub's line saying so.
func TestFollowingEndsWhenTheTokenIsRevoked(t *testing.T) {
	th := newTestHub(t)
	th.agent("c1")
	reader := th.token(th.AdminToken, "follower", "Reader", "/subscriptions/"+sub)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, th.url("/kubearc/v1"+clusterPath(sub, rg, "c1")+"/logs?follow=true"), nil)
	req.Header.Set("Authorization", "Bearer "+reader)
	resp, err := th.client(nil).Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("follow: %v %v", resp, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var id string
	for _, v := range th.do(http.MethodGet, "/kubearc/v1/tokens", th.AdminToken, nil).body["value"].([]any) {
		if v.(map[string]any)["name"] == "follower" {
			id = v.(map[string]any)["id"].(string)
		}
	}
	if r := th.do(http.MethodDelete, "/kubearc/v1/tokens/"+id, th.AdminToken, nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	lines := bufio.NewScanner(resp.Body)
	var end protocol.LogLine
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &end) != nil {
		t.Fatalf("after the revocation: %q %v, want the hub's end line", lines.Text(), lines.Err())
	}
	if reason, _ := protocol.StreamEndReason(end); reason != protocol.StreamEndedTokenRevoked {
		t.Errorf("end line %q: reason %q, want %q", lines.Text(), reason, protocol.StreamEndedTokenRevoked)
	}
}

// TestAgentUsage: the last heartbeat's CPU and memory are the current usage.
func TestAgentUsage(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	hb := protocol.Heartbeat{AgentCPUMillicores: 7, AgentMemoryBytes: 50 << 20}
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", hb); r.status != http.StatusOK {
		t.Fatalf("heartbeat: %d %s", r.status, r.raw)
	}
	r := th.do(http.MethodGet, "/kubearc/v1"+clusterPath(sub, rg, "c1")+"/usage?since=24h", th.AdminToken, nil)
	current, _ := r.body["current"].(map[string]any)
	if r.status != http.StatusOK || current["cpuMillicores"] != 7.0 || current["memoryBytes"] != float64(50<<20) {
		t.Errorf("usage: %d %s", r.status, r.raw)
	}
}
