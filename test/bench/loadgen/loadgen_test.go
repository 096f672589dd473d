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

package loadgen

import (
	"strings"
	"testing"
	"time"
)

func TestSummaryPercentiles(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		want    Summary
	}{
		{"none", nil, Summary{}},
		{"one", []time.Duration{7}, Summary{Count: 1, P50: 7, P90: 7, P99: 7, Max: 7}},
		{"hundred", durations(100), Summary{Count: 100, P50: 50, P90: 90, P99: 99, Max: 100}},
		{"unsorted", []time.Duration{3, 1, 2, 4}, Summary{Count: 4, P50: 2, P90: 4, P99: 4, Max: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Samples
			for _, d := range tt.samples {
				s.Add(time.Time{}, d)
			}
			if got := s.Summary(); got != tt.want {
				t.Errorf("Summary() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// durations returns 1..n nanoseconds in reverse order.
func durations(n int) []time.Duration {
	out := make([]time.Duration, 0, n)
	for i := n; i >= 1; i-- {
		out = append(out, time.Duration(i))
	}
	return out
}

const metricsBefore = `# HELP go_goroutines Number of goroutines that currently exist.
go_goroutines 10
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="0.001"} 10
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="0.005"} 10
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="0.05"} 10
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="+Inf"} 10
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="get",le="+Inf"} 99
`

const metricsAfter = `go_goroutines 3012
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="0.001"} 60
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="0.005"} 108
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="0.05"} 109
kubearc_hub_http_request_duration_seconds_bucket{api="agent",code="200",method="post",le="+Inf"} 110
kubearc_hub_http_request_duration_seconds_bucket{api="arm",code="200",method="post",le="+Inf"} 5000
`

func TestHeartbeatQuantilesFromHubMetrics(t *testing.T) {
	before, err := parseMetrics(strings.NewReader(metricsBefore))
	if err != nil {
		t.Fatal(err)
	}
	after, err := parseMetrics(strings.NewReader(metricsAfter))
	if err != nil {
		t.Fatal(err)
	}
	if after.goroutines != 3012 {
		t.Errorf("goroutines = %v, want 3012", after.goroutines)
	}
	// 100 heartbeats in the window: 50 under 1ms, 48 more under 5ms, 1 under 50ms, 1 above.
	want := BucketQuantiles{Count: 100, P50: "<=1ms", P99: "<=50ms", Max: ">50ms"}
	if got := heartbeatQuantiles(before, after); got != want {
		t.Errorf("heartbeatQuantiles() = %+v, want %+v", got, want)
	}
}

func TestReadProcOfThisProcess(t *testing.T) {
	s, err := ReadProc("self")
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS <= 0 || s.HWM < s.RSS {
		t.Errorf("RSS %d, VmHWM %d: want 0 < RSS <= VmHWM", s.RSS, s.HWM)
	}
}

func TestValidAfterDisruption(t *testing.T) {
	base := func() Report {
		return Report{Config: RunConfig{Agents: 10, Tunnels: true, PropagationSamples: 5, Probes: 5},
			Heartbeats: Summary{Count: 100}, Propagation: Summary{Count: 5},
			WatchStreamsOpen: 10, WatchStreamsOpenMin: 10, TunnelsOpen: 10, TunnelsOpenMin: 10}
	}
	tests := []struct {
		name   string
		change func(*Report)
		want   bool
	}{
		{"steady", func(*Report) {}, true},
		{"a watch closed without a disruption", func(r *Report) { r.WatchStreamsOpenMin = 9 }, false},
		{"a tunnel closed without a disruption", func(r *Report) { r.TunnelsOpenMin = 9 }, false},
		{"a tunnel closed, tunnels off", func(r *Report) { r.Config.Tunnels, r.TunnelsOpenMin, r.TunnelsOpen = false, 0, 0 }, true},
		{"all back after a disruption", func(r *Report) { r.Disrupted, r.WatchStreamsOpenMin, r.TunnelsOpenMin = true, 6, 6 }, true},
		{"a probe unanswered in a disruption", func(r *Report) { r.Disrupted, r.Propagation.Count = true, 4 }, true},
		{"a watch not back after a disruption", func(r *Report) { r.Disrupted, r.WatchStreamsOpen = true, 9 }, false},
		{"a tunnel not back after a disruption", func(r *Report) { r.Disrupted, r.TunnelsOpen = true, 9 }, false},
		{"an acknowledged write lost", func(r *Report) { r.Disrupted, r.WritesLost = true, 1 }, false},
		{"an error", func(r *Report) { r.Errors.Tunnel = 1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(&r)
			if got := r.Valid(); got != tt.want {
				t.Errorf("Valid() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBreaksAfterTheDisruptionAreFailoverNotErrors(t *testing.T) {
	l := &load{}
	l.recordBreak(&l.errors.watch, errGone)
	l.reconnected(&l.watchReconnects)
	if got := l.errors.snapshot().Watch; got != 1 {
		t.Errorf("a break before the disruption: %d watch errors, want 1", got)
	}
	if l.watchReconnects.Summary().Count != 0 {
		t.Error("an opening before the disruption was timed as a reconnection")
	}
	l.disruptedAt.Store(time.Now().Add(-time.Second).UnixNano())
	l.recordBreak(&l.errors.watch, errGone)
	l.reconnected(&l.watchReconnects)
	if got, breaks := l.errors.snapshot().Watch, l.failoverBreaks.Load(); got != 1 || breaks != 1 {
		t.Errorf("a break after the disruption: %d watch errors and %d failover breaks, want 1 and 1", got, breaks)
	}
	if s := l.watchReconnects.Summary(); s.Count != 1 || s.P50 < time.Second {
		t.Errorf("reconnection after the disruption = %+v, want one sample of at least 1s", s)
	}
}

func TestHubCommandLine(t *testing.T) {
	p := HubProcess{DataDir: "/d", FlushInterval: 10 * time.Second, LogLevel: "warn"}
	alone := "serve --listen 127.0.0.1:1 --data-dir /d --heartbeat-flush-interval 10s --log-level warn"
	if got := strings.Join(p.args("127.0.0.1:1"), " "); got != alone {
		t.Errorf("a hub alone: %q, want %q", got, alone)
	}
	p.Store, p.ReplicaID, p.ExtraArgs = "postgres://db", "hub-1", []string{"--x", "1"}
	want := alone + " --store postgres://db --replica-id hub-1 --peer-url https://127.0.0.1:1 --x 1"
	if got := strings.Join(p.args("127.0.0.1:1"), " "); got != want {
		t.Errorf("a replica: %q, want %q", got, want)
	}
}
