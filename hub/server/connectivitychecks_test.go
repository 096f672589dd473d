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
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// connectivityChecks is a report of the DNS and TLS checks, the TLS check ending in result.
func connectivityChecks(result string) protocol.ConnectivityChecks {
	now := time.Now().UTC().Truncate(time.Second)
	return protocol.ConnectivityChecks{Checks: []protocol.ConnectivityCheck{
		{Name: protocol.CheckDNS, Result: protocol.CheckPassed, Message: "hub.example.com resolves to 10.0.0.1", DurationMilliseconds: 2, Time: now},
		{Name: protocol.CheckTLS, Result: result, Message: "The hub's certificate expired", DurationMilliseconds: 12, Time: now},
	}}
}

// readConnectivityChecks reads cluster c1's checks as the admin.
func (th *testHub) readConnectivityChecks(name string) response {
	th.t.Helper()
	return th.do(http.MethodGet, "/kubearc/v1"+clusterPath(sub, rg, name)+"/connectivityChecks", th.AdminToken, nil)
}

// TestConnectivityChecksAreKeptAndServed: the hub keeps an agent's latest report and serves it
// to users; before the first report the answer is empty, and a missing cluster is 404.
func TestConnectivityChecksAreKeptAndServed(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	if r := th.readConnectivityChecks("c1"); r.status != http.StatusOK || r.body["receivedAt"] != nil || fmt.Sprint(r.body["value"]) != "[]" {
		t.Fatalf("before any report: %d %s, want 200 with no checks", r.status, r.raw)
	}
	for _, result := range []string{protocol.CheckFailed, protocol.CheckPassed} {
		if r := th.send(agent, http.MethodPost, protocol.PathConnectivityChecks, "", connectivityChecks(result)); r.status != http.StatusNoContent {
			t.Fatalf("POST connectivitychecks: %d %s", r.status, r.raw)
		}
	}
	r := th.readConnectivityChecks("c1")
	value, _ := r.body["value"].([]any)
	if r.status != http.StatusOK || r.body["receivedAt"] == nil || len(value) != 2 {
		t.Fatalf("GET connectivityChecks: %d %s, want the 2 checks of the latest report", r.status, r.raw)
	}
	if tls, _ := value[1].(map[string]any); tls["name"] != protocol.CheckTLS || tls["result"] != protocol.CheckPassed {
		t.Errorf("the TLS check = %v, want the latest report's (Passed)", value[1])
	}
	if r := th.readConnectivityChecks("missing"); r.status != http.StatusNotFound {
		t.Errorf("the checks of a missing cluster: %d %s, want 404", r.status, r.raw)
	}
	if r := th.send(th.client(nil), http.MethodPost, protocol.PathConnectivityChecks, "", connectivityChecks(protocol.CheckPassed)); r.status != http.StatusUnauthorized {
		t.Errorf("a report without a client certificate: %d %s, want 401", r.status, r.raw)
	}
}

// TestBadConnectivityChecksAreRefused: a bad report is a 4xx naming what is wrong, and the
// last good report stays.
func TestBadConnectivityChecksAreRefused(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	if r := th.send(agent, http.MethodPost, protocol.PathConnectivityChecks, "", connectivityChecks(protocol.CheckPassed)); r.status != http.StatusNoContent {
		t.Fatalf("a good report: %d %s", r.status, r.raw)
	}
	check := `{"name":"DNS","result":"Passed","message":"ok","time":"2026-12-06T18:00:00Z"}`
	many := strings.TrimSuffix(strings.Repeat(check+",", protocol.MaxConnectivityChecks+1), ",")
	tests := []struct {
		name, body string
		status     int
		code, says string
	}{
		{"no checks", `{"checks":[]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks must be between 1 and 16"},
		{"too many checks", `{"checks":[` + many + `]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks must be between 1 and 16"},
		{"an unknown result", `{"checks":[{"name":"DNS","result":"Fine","time":"2026-12-06T18:00:00Z"}]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks[0].result"},
		{"a name with markup", `{"checks":[{"name":"<b>","result":"Passed","time":"2026-12-06T18:00:00Z"}]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks[0].name"},
		{"control characters", `{"checks":[{"name":"DNS","result":"Passed","message":"ok\u001b[2J","time":"2026-12-06T18:00:00Z"}]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks[0].message"},
		{"a long message", `{"checks":[{"name":"DNS","result":"Passed","message":"` + strings.Repeat("m", 2000) + `","time":"2026-12-06T18:00:00Z"}]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks[0].message must be at most 1024 bytes"},
		{"no time", `{"checks":[{"name":"DNS","result":"Passed"}]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks[0].time"},
		{"a negative duration", `{"checks":[{"name":"DNS","result":"Passed","durationMilliseconds":-1,"time":"2026-12-06T18:00:00Z"}]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "durationMilliseconds"},
		{"a name twice", `{"checks":[` + check + `,` + check + `]}`, http.StatusBadRequest, "InvalidConnectivityChecks", "checks[1].name must be unique"},
		{"not JSON", `checks`, http.StatusBadRequest, "InvalidRequestContent", "not valid JSON"},
		{"a 40 KiB body", `{"checks":[{"name":"DNS","result":"Passed","message":"` + strings.Repeat("m", 40<<10) + `"}]}`, http.StatusRequestEntityTooLarge, "RequestBodyTooLarge", "32768 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.send(agent, http.MethodPost, protocol.PathConnectivityChecks, "", tt.body)
			if r.status != tt.status || r.body["code"] != tt.code || !strings.Contains(r.raw, tt.says) {
				t.Fatalf("%d %.300s, want %d %s saying %q", r.status, r.raw, tt.status, tt.code, tt.says)
			}
		})
	}
	value, _ := th.readConnectivityChecks("c1").body["value"].([]any)
	if len(value) != 2 {
		t.Errorf("after refused reports the hub serves %v, want the last good report", value)
	}
}
