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

package selfupgrade

import (
	"strings"
	"testing"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestDecide(t *testing.T) {
	chart := &protocol.ChartRef{Repository: "https://charts.example.com", Name: "kubearc-agent", Version: "1.5.0"}
	inHelm := Situation{Running: "1.2.0", InRelease: true, AutoUpgrade: true}
	tests := []struct {
		name        string
		s           Situation
		p           protocol.AgentProfile
		wantUpgrade bool
		wantReason  string
		wantMessage string
	}{
		{"newer target upgrades", inHelm, protocol.AgentProfile{TargetAgentVersion: "1.5.0", AvailableAgentVersion: "1.5.0", TargetChart: chart},
			true, arcv1alpha1.AgentUpgradingReason, "from 1.2.0 to 1.5.0"},
		{"outside the window jumps straight to the target", Situation{Running: "1.0.0", InRelease: true, AutoUpgrade: true},
			protocol.AgentProfile{TargetAgentVersion: "1.5.0", AvailableAgentVersion: "1.5.0", TargetChart: chart},
			true, arcv1alpha1.AgentUpgradingReason, "from 1.0.0 to 1.5.0"},
		{"same version", Situation{Running: "1.5.0", InRelease: true, AutoUpgrade: true},
			protocol.AgentProfile{TargetAgentVersion: "1.5.0", AvailableAgentVersion: "1.5.0", TargetChart: chart},
			false, arcv1alpha1.AgentUpToDateReason, "runs the hub's target version 1.5.0"},
		{"no downgrade", Situation{Running: "1.6.0", InRelease: true, AutoUpgrade: true},
			protocol.AgentProfile{TargetAgentVersion: "1.5.0", AvailableAgentVersion: "1.6.0", TargetChart: chart},
			false, arcv1alpha1.AgentUpToDateReason, "does not downgrade"},
		{"outside a Helm release", Situation{Running: "1.2.0", AutoUpgrade: true},
			protocol.AgentProfile{TargetAgentVersion: "1.3.0", AvailableAgentVersion: "1.3.0", TargetChart: chart},
			false, arcv1alpha1.AgentNotHelmManagedReason, "--local-agent"},
		{"auto-upgrade off", Situation{Running: "1.2.0", InRelease: true},
			protocol.AgentProfile{TargetAgentVersion: "1.3.0", AvailableAgentVersion: "1.3.0", TargetChart: chart},
			false, arcv1alpha1.AgentUpgradeDisabledReason, "autoUpgrade"},
		{"a pinned version upgrades even with auto-upgrade off", Situation{Running: "1.2.0", InRelease: true},
			protocol.AgentProfile{DesiredAgentVersion: "1.3.0", TargetAgentVersion: "1.3.0", TargetChart: chart},
			true, arcv1alpha1.AgentUpgradingReason, "to 1.3.0"},
		{"no chart", inHelm, protocol.AgentProfile{TargetAgentVersion: "1.5.0"},
			false, arcv1alpha1.AgentUpgradeFailedReason, "names no chart"},
		{"unsupported and staying", Situation{Running: "1.1.0", AutoUpgrade: true},
			protocol.AgentProfile{TargetAgentVersion: "1.5.0", AvailableAgentVersion: "1.5.0", TargetChart: chart},
			false, arcv1alpha1.AgentUnsupportedReason, "outside the support window"},
		{"N-2 is supported", Situation{Running: "1.3.0", AutoUpgrade: true},
			protocol.AgentProfile{AvailableAgentVersion: "1.5.0"},
			false, arcv1alpha1.AgentUpToDateReason, "targets no agent version"},
		{"development build", Situation{Running: "dev", InRelease: true, AutoUpgrade: true},
			protocol.AgentProfile{TargetAgentVersion: "1.5.0", TargetChart: chart},
			false, arcv1alpha1.AgentUpToDateReason, "development build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.s, tt.p)
			if got.Upgrade != tt.wantUpgrade || got.Reason != tt.wantReason || !strings.Contains(got.Message, tt.wantMessage) {
				t.Errorf("Decide() = %+v, want upgrade=%v reason=%s message containing %q", got, tt.wantUpgrade, tt.wantReason, tt.wantMessage)
			}
			if got.Upgrade && got.Chart != tt.p.TargetChart {
				t.Errorf("Decide() chart = %v, want the target chart", got.Chart)
			}
		})
	}
}
