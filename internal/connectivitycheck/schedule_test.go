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

package connectivitycheck

import (
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
)

// TestSchedule checks when the Runner runs the checks: at first, when the target changes,
// every interval, after a trigger once the least gap passed, and to refill a status that
// has none.
func TestSchedule(t *testing.T) {
	start := time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC)
	hub := Target{Options: agentclient.Options{HubURL: "https://hub.example.com"}}
	registered := hub
	registered.CertificatePEM = []byte("certificate")
	proxied := hub
	proxied.Options.Proxy = &agentclient.ProxyConfig{URL: "http://proxy:3128"}

	s := schedule{interval: 10 * time.Minute, minGap: time.Minute}
	if !s.due(hub, start) {
		t.Fatal("not due at first")
	}
	s.ran(hub, start)
	for _, tc := range []struct {
		name      string
		target    Target
		after     time.Duration
		triggered bool
		want      bool
	}{
		{"unchanged, soon after", hub, 5 * time.Second, false, false},
		{"registered since", registered, 5 * time.Second, false, true},
		{"a proxy since", proxied, 5 * time.Second, false, true},
		{"triggered within the gap", hub, 30 * time.Second, true, false},
		{"triggered past the gap", hub, 61 * time.Second, true, true},
		{"the interval passed", hub, 10 * time.Minute, false, true},
	} {
		s.triggered = tc.triggered
		if got := s.due(tc.target, start.Add(tc.after)); got != tc.want {
			t.Errorf("%s: due = %v, want %v", tc.name, got, tc.want)
		}
	}
	if s.refill(true, start.Add(10*time.Second)) || !s.refill(true, start.Add(statusRefill)) || s.refill(false, start.Add(time.Hour)) {
		t.Error("refill: want a run for a missing status only, at most once per statusRefill")
	}
}
