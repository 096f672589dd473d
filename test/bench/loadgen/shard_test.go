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
	"encoding/json"
	"testing"
	"time"
)

// TestMergeAddsAnotherGeneratorsReport: the report of another generator process, read back
// from its JSON, adds its agents, samples, streams and errors; percentiles are of all the
// samples together, not an average of each process's.
func TestMergeAddsAnotherGeneratorsReport(t *testing.T) {
	mine := shardReport(t, 2, []time.Duration{1, 2, 3, 4})
	other := shardReport(t, 3, []time.Duration{100, 200, 300, 400, 500, 600})
	other.Errors.Tunnel = 1
	other.keepRaw()
	data, err := json.Marshal(other)
	if err != nil {
		t.Fatal(err)
	}
	read := &Report{}
	if err := json.Unmarshal(data, read); err != nil {
		t.Fatal(err)
	}
	if err := mine.Merge(read); err != nil {
		t.Fatal(err)
	}
	want := Summary{Count: 10, P50: 100, P90: 500, P99: 600, Max: 600}
	if mine.Heartbeats != want {
		t.Fatalf("merged heartbeats %+v, want %+v", mine.Heartbeats, want)
	}
	if mine.Config.Agents != 5 || mine.WatchStreamsOpen != 5 || mine.WatchStreamsOpenMin != 5 || mine.Errors.Tunnel != 1 {
		t.Fatalf("merged report %+v", mine)
	}
	if mine.Valid() {
		t.Fatal("a merged run with another generator's tunnel error is valid")
	}
	if err := mine.Merge(&Report{}); err == nil {
		t.Fatal("merging a report without samples succeeded")
	}
}

// shardReport is the report of a generator of agents agents with every stream open and
// these heartbeats.
func shardReport(t *testing.T, agents int, beats []time.Duration) *Report {
	t.Helper()
	l, err := newLoad(Config{Interval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range beats {
		l.heartbeats.Add(time.Now(), d)
	}
	l.watchesOpen.Store(int64(agents))
	l.tunnelsOpen.Store(int64(agents))
	r := &Report{Config: RunConfig{Agents: agents, Tunnels: true}, Window: time.Second,
		WatchStreamsOpenMin: int64(agents), TunnelsOpenMin: int64(agents)}
	r.fillLoad(l)
	return r
}
