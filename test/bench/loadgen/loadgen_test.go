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
