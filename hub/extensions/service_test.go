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

package extensions

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

func newService(t *testing.T) *Service {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return &Service{Catalog: cat, DataKey: key, Log: slog.New(slog.DiscardHandler)}
}

func TestAgentProfileChange(t *testing.T) {
	s := newService(t)
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
			c, err := s.AgentProfileChange("/c", tt.desired, tt.auto)
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

func TestProtectedSettingsAreDeliveredToTheAgentOnly(t *testing.T) {
	s := newService(t)
	agentKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub, err := agentpubkey.Encode(&agentKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.SealProtected(map[string]string{"token": "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &Record{ID: "/c/x", Name: "x", Settings: Settings{ExtensionType: "flux", AutoUpgradeMinorVersion: true}, SealedProtectedSettings: sealed}
	if err := s.Resolve(rec, ""); err != nil || rec.Chart.Name != "flux2" {
		t.Fatalf("Resolve: %v %+v", err, rec.Chart)
	}
	if err := s.Resolve(&Record{Settings: Settings{ExtensionType: "flux", PinnedVersion: "0.0.1"}}, ""); err == nil {
		t.Error("a pinned version that is not in the catalog resolved")
	}
	c, err := s.DesiredChange("/c", pub, rec)
	if err != nil {
		t.Fatal(err)
	}
	var spec protocol.ExtensionSpec
	if err := json.Unmarshal(c.Spec, &spec); err != nil {
		t.Fatal(err)
	}
	plain, err := seal.OpenAgent(agentKey, spec.ProtectedSettings)
	if err != nil || string(plain) != `{"token":"s3cret"}` {
		t.Errorf("the agent opened %q %v", plain, err)
	}
	back, err := s.OpenProtected(sealed)
	if err != nil || back["token"] != "s3cret" {
		t.Errorf("OpenProtected = %v %v", back, err)
	}
	if got, _ := s.SealProtected(nil); got != "" {
		t.Errorf("no protected settings sealed to %q", got)
	}
}
