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
	"net/http"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestAgentUsageMetrics: with MetricsPerCluster, /metrics shows a cluster's agent CPU and
// memory after a heartbeat, and nothing of it once the cluster is deleted.
func TestAgentUsageMetrics(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.MetricsPerCluster = true }})
	agent, _ := th.agent("c1")
	hb := protocol.Heartbeat{AgentCPUMillicores: 12, AgentMemoryBytes: 48 << 20}
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", hb); r.status != http.StatusOK {
		t.Fatalf("heartbeat: %d %s", r.status, r.raw)
	}
	label := `{cluster="` + clusterPath(sub, rg, "c1") + `"}`
	scrape := th.do(http.MethodGet, "/metrics", "", nil).raw
	for _, want := range []string{"kubearc_agent_cpu_millicores" + label + " 12\n", "kubearc_agent_memory_bytes" + label + " 5.0331648e+07\n"} {
		if !strings.Contains(scrape, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if r := th.do(http.MethodDelete, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil); r.status >= 300 {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	if scrape := th.do(http.MethodGet, "/metrics", "", nil).raw; strings.Contains(scrape, "kubearc_agent_") {
		t.Errorf("/metrics after the deletion still has agent usage:\n%s", grepLines(scrape, "kubearc_agent_"))
	}
}

// TestAgentUsageMetricsOffByDefault: /metrics is unauthenticated, so by default it names no
// cluster: no per-cluster agent usage series after a heartbeat.
func TestAgentUsageMetricsOffByDefault(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	hb := protocol.Heartbeat{AgentCPUMillicores: 12, AgentMemoryBytes: 48 << 20}
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", hb); r.status != http.StatusOK {
		t.Fatalf("heartbeat: %d %s", r.status, r.raw)
	}
	scrape := th.do(http.MethodGet, "/metrics", "", nil).raw
	if !strings.Contains(scrape, "kubearc_hub_") {
		t.Fatalf("/metrics answered no hub metrics:\n%s", scrape)
	}
	if strings.Contains(scrape, "kubearc_agent_") || strings.Contains(scrape, "c1") {
		t.Errorf("/metrics names a cluster without --metrics-per-cluster:\n%s", grepLines(scrape, "c1"))
	}
}

func grepLines(text, substr string) string {
	var out []string
	for line := range strings.Lines(text) {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
