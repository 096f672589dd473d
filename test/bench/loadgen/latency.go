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
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"time"
)

// Samples collects latencies. It keeps every sample (a 2-minute run at 10,000 agents is
// about 40,000 of them) so percentiles are exact rather than bucketed, and when each began,
// so slow ones can be lined up with what the hub did at the time.
type Samples struct {
	mu  sync.Mutex
	all []Sample
}

// Sample is one latency and when it began.
type Sample struct {
	Start   time.Time     `json:"start"`
	Latency time.Duration `json:"latencyNs"`
}

// Add records one latency of something that began at start.
func (s *Samples) Add(start time.Time, d time.Duration) {
	s.AddAll([]Sample{{Start: start, Latency: d}})
}

// AddAll records samples.
func (s *Samples) AddAll(samples []Sample) {
	s.mu.Lock()
	s.all = append(s.all, samples...)
	s.mu.Unlock()
}

// All returns a copy of what was recorded; nil for a nil Samples (a report's JSON without
// any).
func (s *Samples) All() []Sample {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.all)
}

// MarshalJSON writes the samples as a list.
func (s *Samples) MarshalJSON() ([]byte, error) { return json.Marshal(s.All()) }

// UnmarshalJSON adds the samples of a list.
func (s *Samples) UnmarshalJSON(data []byte) error {
	var all []Sample
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	s.AddAll(all)
	return nil
}

// WriteCSV writes every sample as "start,latency" lines: the start in seconds since the Unix
// epoch and the latency in milliseconds, in the order recorded.
func (s *Samples) WriteCSV(w io.Writer) error {
	all := s.All()
	bw := bufio.NewWriter(w)
	_, _ = fmt.Fprintln(bw, "start_unix_s,latency_ms")
	for _, x := range all {
		_, _ = fmt.Fprintf(bw, "%.6f,%.3f\n", float64(x.Start.UnixMicro())/1e6, float64(x.Latency)/float64(time.Millisecond))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing samples: %w", err)
	}
	return nil
}

// Summary returns the count and percentiles of what was recorded.
func (s *Samples) Summary() Summary {
	all := s.All()
	sorted := make([]time.Duration, len(all))
	for i, x := range all {
		sorted[i] = x.Latency
	}
	slices.Sort(sorted)
	if len(sorted) == 0 {
		return Summary{}
	}
	return Summary{
		Count: len(sorted),
		P50:   percentile(sorted, 0.50),
		P90:   percentile(sorted, 0.90),
		P99:   percentile(sorted, 0.99),
		Max:   sorted[len(sorted)-1],
	}
}

// Summary is the distribution of a set of latencies.
type Summary struct {
	Count int           `json:"count"`
	P50   time.Duration `json:"p50"`
	P90   time.Duration `json:"p90"`
	P99   time.Duration `json:"p99"`
	Max   time.Duration `json:"max"`
}

// percentile returns the nearest-rank percentile q (0..1] of sorted samples.
func percentile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
