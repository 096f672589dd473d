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
	"encoding/json"
	"net/http"
	"testing"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestLogLevelReachesTheAgentProfile sets, keeps and clears arcAgentProfile.logLevel with
// PATCHes and checks the agent's desired profile after each.
func TestLogLevelReachesTheAgentProfile(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	path := clusterPath(sub, rg, "c1") + api2024
	steps := []struct {
		name    string
		profile map[string]any
		want    string
	}{
		{"set", map[string]any{"logLevel": "debug"}, "debug"},
		{"kept by a PATCH of another field", map[string]any{"agentAutoUpgrade": "Disabled"}, "debug"},
		{"cleared", map[string]any{"logLevel": ""}, ""},
	}
	for _, step := range steps {
		r := th.do(http.MethodPatch, path, th.AdminToken, map[string]any{"properties": map[string]any{"arcAgentProfile": step.profile}})
		if r.status != http.StatusOK {
			t.Fatalf("%s: PATCH %d %s", step.name, r.status, r.raw)
		}
		if p, _ := r.props()["arcAgentProfile"].(map[string]any); (p["logLevel"] != nil || step.want != "") && p["logLevel"] != step.want {
			t.Errorf("%s: arcAgentProfile = %v, want logLevel %q", step.name, p, step.want)
		}
		if got := desiredProfile(t, th, agent); got.LogLevel != step.want {
			t.Errorf("%s: the agent's profile has logLevel %q, want %q", step.name, got.LogLevel, step.want)
		}
	}
	r := th.do(http.MethodPatch, path, th.AdminToken, map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"logLevel": "trace"}}})
	if r.status != http.StatusBadRequest || r.errorCode() != "InvalidParameter" {
		t.Errorf("PATCH of logLevel trace: %d %s, want 400 InvalidParameter", r.status, r.raw)
	}
}

// desiredProfile returns the agent profile in the desired state the agent reads.
func desiredProfile(t *testing.T, th *testHub, agent *http.Client) protocol.AgentProfile {
	t.Helper()
	r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	var state protocol.DesiredState
	if err := json.Unmarshal([]byte(r.raw), &state); err != nil || len(state.Items) == 0 {
		t.Fatalf("desired state: %d %s", r.status, r.raw)
	}
	return agentProfile(t, &state.Items[0])
}
