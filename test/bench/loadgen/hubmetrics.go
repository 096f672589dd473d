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
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
)

// hubMetrics is what the generator reads from the hub's /metrics: the hub-side duration
// histogram of agent POSTs (during the run those are heartbeats only) and its goroutines.
type hubMetrics struct {
	// heartbeatBuckets maps a bucket's upper bound (seconds) to its cumulative count.
	heartbeatBuckets map[float64]float64
	goroutines       float64
}

// scrapeMetrics reads the hub's /metrics.
func (a *admin) scrapeMetrics(ctx context.Context) (hubMetrics, error) {
	var m hubMetrics
	// A connection that went with a killed replica, or that the hub closed under load, costs a
	// retry, not the run's report.
	err := retry.OnError(wait.Backoff{Duration: time.Second, Factor: 1, Steps: 3}, func(error) bool { return ctx.Err() == nil }, func() error {
		var err error
		m, err = a.scrapeOnce(ctx)
		return err
	})
	return m, err
}

func (a *admin) scrapeOnce(ctx context.Context) (hubMetrics, error) {
	base := a.hub.URL
	if a.hub.MetricsURL != "" {
		base = a.hub.MetricsURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", http.NoBody)
	if err != nil {
		return hubMetrics{}, fmt.Errorf("building GET /metrics: %w", err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return hubMetrics{}, fmt.Errorf("GET /metrics: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return hubMetrics{}, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics picks the two series it needs out of the Prometheus text format.
func parseMetrics(r io.Reader) (hubMetrics, error) {
	m := hubMetrics{heartbeatBuckets: map[float64]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "go_goroutines "):
			m.goroutines, _ = strconv.ParseFloat(strings.TrimPrefix(line, "go_goroutines "), 64)
		case strings.HasPrefix(line, "kubearc_hub_http_request_duration_seconds_bucket{") &&
			strings.Contains(line, `api="agent"`) && strings.Contains(line, `method="post"`) && strings.Contains(line, `code="200"`):
			le, count, ok := parseBucket(line)
			if ok {
				m.heartbeatBuckets[le] = count
			}
		}
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("reading /metrics: %w", err)
	}
	return m, nil
}

// parseBucket returns the le label and the value of a histogram bucket line.
func parseBucket(line string) (le, count float64, ok bool) {
	_, rest, found := strings.Cut(line, `le="`)
	if !found {
		return 0, 0, false
	}
	bound, rest, found := strings.Cut(rest, `"`)
	if !found {
		return 0, 0, false
	}
	le, err := strconv.ParseFloat(bound, 64) // "+Inf" parses as +Inf
	if err != nil {
		return 0, 0, false
	}
	_, value, found := strings.Cut(rest, "} ")
	if !found {
		return 0, 0, false
	}
	count, err = strconv.ParseFloat(strings.Fields(value)[0], 64)
	return le, count, err == nil
}

// BucketQuantiles are quantiles read from the hub's own histogram. Each is the bound of the
// bucket it falls in, e.g. "<=5ms": the true value lies at or below it.
type BucketQuantiles struct {
	Count int64  `json:"count"`
	P50   string `json:"p50"`
	P99   string `json:"p99"`
	Max   string `json:"max"`
}

// heartbeatQuantiles compares two scrapes and returns the window's bucket quantiles.
func heartbeatQuantiles(before, after hubMetrics) BucketQuantiles {
	bounds := make([]float64, 0, len(after.heartbeatBuckets))
	for le := range after.heartbeatBuckets {
		bounds = append(bounds, le)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 {
		return BucketQuantiles{}
	}
	delta := func(le float64) float64 { return after.heartbeatBuckets[le] - before.heartbeatBuckets[le] }
	total := delta(bounds[len(bounds)-1])
	if total == 0 {
		return BucketQuantiles{}
	}
	return BucketQuantiles{
		Count: int64(total),
		P50:   boundAt(bounds, delta, 0.50*total),
		P99:   boundAt(bounds, delta, 0.99*total),
		Max:   boundAt(bounds, delta, total),
	}
}

// boundAt names the smallest bucket whose cumulative count reaches rank.
func boundAt(bounds []float64, delta func(float64) float64, rank float64) string {
	below := 0.0
	for _, le := range bounds {
		if delta(le) >= math.Ceil(rank) {
			if math.IsInf(le, 1) {
				return ">" + seconds(below)
			}
			return "<=" + seconds(le)
		}
		below = le
	}
	return "?"
}

func seconds(s float64) string { return time.Duration(s * float64(time.Second)).String() }
