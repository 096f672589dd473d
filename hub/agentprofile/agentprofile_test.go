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

package agentprofile

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestChange(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, desired, auto, logLevel string
		wantTarget, wantChartVersion  string
	}{
		{"auto-upgrade by default", "", "", "", "0.1.0", "0.1.0"},
		{"auto-upgrade disabled", "", "Disabled", "", "", ""},
		{"pinned and listed", "0.1.0", "Disabled", "", "0.1.0", "0.1.0"},
		{"pinned, not listed", "v0.0.9", "Enabled", "", "v0.0.9", "0.0.9"},
		{"log level carried", "", "", "debug", "0.1.0", "0.1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Change(cat, "/c", protocol.AgentProfile{DesiredAgentVersion: tt.desired, AgentAutoUpgrade: tt.auto, LogLevel: tt.logLevel})
			if err != nil {
				t.Fatal(err)
			}
			var p protocol.AgentProfile
			if err := json.Unmarshal(c.Spec, &p); err != nil {
				t.Fatal(err)
			}
			if c.Kind != protocol.KindAgentProfile || c.Name != "default" || p.ReleaseTrain != "Stable" || p.AvailableAgentVersion != "0.1.0" || p.TargetAgentVersion != tt.wantTarget || p.LogLevel != tt.logLevel {
				t.Errorf("profile = %+v", p)
			}
			if (p.TargetChart == nil) != (tt.wantChartVersion == "") || (p.TargetChart != nil && (p.TargetChart.Version != tt.wantChartVersion || p.TargetChart.Name != "kubearc-agent")) {
				t.Errorf("target chart = %+v, want version %q", p.TargetChart, tt.wantChartVersion)
			}
		})
	}
}

// TestRefreshCarriesLogLevel checks that the profile stored again from a cluster's document
// carries the arcAgentProfile's logLevel, and that a cluster without one gets none.
func TestRefreshCarriesLogLevel(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	const id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c"
	for _, want := range []string{"warn", ""} {
		body := `{"properties":{"arcAgentProfile":{"agentAutoUpgrade":"Disabled","logLevel":"` + want + `"}}}`
		cluster := &store.Resource{ID: id, Type: "Microsoft.Kubernetes/connectedClusters", Subscription: "s", ResourceGroup: "g", Body: []byte(body)}
		if _, err := st.PutResource(t.Context(), cluster, store.Precondition{}); err != nil {
			t.Fatal(err)
		}
		stored, err := st.GetResource(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if err := Refresh(t.Context(), st, nil, stored); err != nil {
			t.Fatal(err)
		}
		if got := storedProfile(t, st, id); got.LogLevel != want || got.AgentAutoUpgrade != "Disabled" {
			t.Errorf("profile after Refresh = %+v, want logLevel %q", got, want)
		}
	}
}

func storedProfile(t *testing.T, st store.Store, clusterID string) protocol.AgentProfile {
	t.Helper()
	state, err := st.DesiredState(t.Context(), clusterID)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range state.Items {
		if obj.Kind == protocol.KindAgentProfile {
			var p protocol.AgentProfile
			if err := json.Unmarshal(obj.Spec, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no agent profile in %+v", state)
	return protocol.AgentProfile{}
}
