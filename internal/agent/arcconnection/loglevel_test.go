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

package arcconnection

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/go-logr/logr"
	"go.uber.org/zap"

	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/internal/selfupgrade"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestProfileSetsTheShippedLogLevel applies agent profiles as the hub sends them and checks
// which lines reach the ring shipped to the hub: a profile's logLevel takes effect at once,
// and a profile without one restores the agent's --shipped-log-level.
func TestProfileSetsTheShippedLogLevel(t *testing.T) {
	level, err := agentlog.ParseLevel(protocol.LogLevelInfo) // the flag's value
	if err != nil {
		t.Fatal(err)
	}
	ring := agentlog.NewRing(100, 1<<20)
	logger := zap.New(agentlog.NewCore(ring, level))
	kind := withLogLevel(&selfupgrade.Upgrader{Running: "0.1.0", Log: logr.Discard()}, agentlog.LevelSetter(level), logr.Discard())

	steps := []struct {
		profileLevel string
		shipped      []string // the levels of the lines that reach the ring
	}{
		{"", []string{"info", "warn"}},
		{"debug", []string{"debug", "info", "warn"}},
		{"warn", []string{"warn"}},
		{"verbose", []string{"warn"}}, // a level the agent does not know leaves the last one
		{"", []string{"info", "warn"}},
	}
	for _, step := range steps {
		spec, _ := json.Marshal(protocol.AgentProfile{AgentAutoUpgrade: "Enabled", LogLevel: step.profileLevel})
		if err := kind.Apply(t.Context(), protocol.DesiredObject{Kind: protocol.KindAgentProfile, Name: "default", Spec: spec}); err != nil {
			t.Fatalf("profile logLevel %q: %v", step.profileLevel, err)
		}
		logger.Debug("d")
		logger.Info("i")
		logger.Warn("w")
		got := make([]string, 0, 3)
		for _, l := range ring.Take(100, 1<<20).Lines {
			got = append(got, l.Level)
		}
		if !slices.Equal(got, step.shipped) {
			t.Errorf("after a profile with logLevel %q the ring got %v, want %v", step.profileLevel, got, step.shipped)
		}
	}
}
