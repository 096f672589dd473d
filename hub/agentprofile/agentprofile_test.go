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
	"testing"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestChange(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, desired, auto          string
		wantTarget, wantChartVersion string
	}{
		{"auto-upgrade by default", "", "", "0.1.0", "0.1.0"},
		{"auto-upgrade disabled", "", "Disabled", "", ""},
		{"pinned and listed", "0.1.0", "Disabled", "0.1.0", "0.1.0"},
		{"pinned, not listed", "v0.0.9", "Enabled", "v0.0.9", "0.0.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Change(cat, "/c", tt.desired, tt.auto)
			if err != nil {
				t.Fatal(err)
			}
			var p protocol.AgentProfile
			if err := json.Unmarshal(c.Spec, &p); err != nil {
				t.Fatal(err)
			}
			if c.Kind != protocol.KindAgentProfile || c.Name != "default" || p.ReleaseTrain != "Stable" || p.AvailableAgentVersion != "0.1.0" || p.TargetAgentVersion != tt.wantTarget {
				t.Errorf("profile = %+v", p)
			}
			if (p.TargetChart == nil) != (tt.wantChartVersion == "") || (p.TargetChart != nil && (p.TargetChart.Version != tt.wantChartVersion || p.TargetChart.Name != "kubearc-agent")) {
				t.Errorf("target chart = %+v, want version %q", p.TargetChart, tt.wantChartVersion)
			}
		})
	}
}
