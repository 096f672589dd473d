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

package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// logBatch is a batch of n info lines, "<prefix> 0" …, a minute apart from minute.
func logBatch(prefix string, minute, n int, dropped int64) store.LogBatch {
	b := store.LogBatch{ReceivedAt: moment(minute + n), Dropped: dropped}
	for i := range n {
		b.Lines = append(b.Lines, protocol.LogLine{Time: moment(minute + i).UTC(), Level: protocol.LogLevelInfo,
			Logger: "connection", Message: fmt.Sprintf("%s %d", prefix, i), Fields: json.RawMessage(`{"attempt":1}`)})
	}
	return b
}

// appendLogs stores b and fails the test on an error.
func appendLogs(t *testing.T, s store.Store, cluster string, b store.LogBatch, r store.LogRetention) {
	t.Helper()
	if err := s.AppendLogs(t.Context(), cluster, b, r); err != nil {
		t.Fatalf("AppendLogs(%s) = %v", cluster, err)
	}
}

// messages lists the messages of batches, and their dropped counts as "dropped N".
func messages(t *testing.T, s store.Store, cluster string, q store.LogQuery) []string {
	t.Helper()
	batches, err := s.ListLogs(t.Context(), cluster, q)
	if err != nil {
		t.Fatalf("ListLogs(%s, %+v) = %v", cluster, q, err)
	}
	var out []string
	for i, b := range batches {
		if i > 0 && b.Seq <= batches[i-1].Seq {
			t.Errorf("ListLogs: seq %d after %d, want increasing", b.Seq, batches[i-1].Seq)
		}
		if b.Dropped > 0 {
			out = append(out, fmt.Sprintf("dropped %d", b.Dropped))
		}
		for _, l := range b.Lines {
			out = append(out, l.Message)
		}
	}
	return out
}

func wantStrings(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func testLogs(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	put(t, s, a)
	put(t, s, b)
	appendLogs(t, s, a.ID, logBatch("first", 0, 2, 0), store.LogRetention{})
	appendLogs(t, s, b.ID, logBatch("other", 0, 1, 0), store.LogRetention{})
	appendLogs(t, s, a.ID, logBatch("second", 10, 2, 7), store.LogRetention{})
	wantStrings(t, "ListLogs(a)", messages(t, s, a.ID, store.LogQuery{}), "first 0", "first 1", "dropped 7", "second 0", "second 1")
	wantStrings(t, "ListLogs(b)", messages(t, s, b.ID, store.LogQuery{}), "other 0")
	wantStrings(t, "ListLogs(since)", messages(t, s, a.ID, store.LogQuery{Since: moment(5)}), "dropped 7", "second 0", "second 1")
	wantStrings(t, "ListLogs(limit)", messages(t, s, a.ID, store.LogQuery{Limit: 1}), "first 0", "first 1")
	// A page by size ends with the batch that reaches the bound, and holds at least one.
	wantStrings(t, "ListLogs(max bytes 1)", messages(t, s, a.ID, store.LogQuery{MaxBytes: 1}), "first 0", "first 1")
	wantStrings(t, "ListLogs(max bytes large)", messages(t, s, a.ID, store.LogQuery{MaxBytes: 1 << 20}),
		"first 0", "first 1", "dropped 7", "second 0", "second 1")
	batches, err := s.ListLogs(t.Context(), a.ID, store.LogQuery{})
	if err != nil || len(batches) != 2 {
		t.Fatalf("ListLogs = %d batches, %v", len(batches), err)
	}
	wantStrings(t, "ListLogs(after)", messages(t, s, a.ID, store.LogQuery{After: batches[0].Seq}), "dropped 7", "second 0", "second 1")
	got := batches[0].Lines[0]
	if want := logBatch("first", 0, 1, 0).Lines[0]; !got.Time.Equal(want.Time) || got.Level != want.Level || got.Logger != want.Logger ||
		!jsonEqual(got.Fields, want.Fields) || !batches[0].ReceivedAt.Equal(moment(2)) || !inUTC(batches[0].ReceivedAt) {
		t.Errorf("stored line = %+v received %v, want %+v received %v", got, batches[0].ReceivedAt, want, moment(2))
	}
	err = s.AppendLogs(t.Context(), clusterID("sub", "rg", "missing"), logBatch("x", 0, 1, 0), store.LogRetention{})
	wantErrorIs(t, "AppendLogs(missing cluster)", err, store.ErrNotFound)
	if err := s.DeleteResource(t.Context(), a.ID, store.Always()); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	put(t, s, a)
	wantStrings(t, "ListLogs(a deleted and created again)", messages(t, s, a.ID, store.LogQuery{}))
	wantStrings(t, "ListLogs(b)", messages(t, s, b.ID, store.LogQuery{}), "other 0")
}

// paddedBatch is logBatch with lines of about 1 KiB each, so that a store's overhead per
// batch (at most 1 KiB) is small beside the lines.
func paddedBatch(prefix string, minute, n int) store.LogBatch {
	b := logBatch(prefix, minute, n, 0)
	for i := range b.Lines {
		b.Lines[i].Fields = json.RawMessage(`{"pad":"` + strings.Repeat("p", 1024) + `"}`)
	}
	return b
}

// testLogFieldsUnescaped: <, > and & in fields are kept as characters (whether they came
// escaped or not), so that a grep of the stored text finds them; other escapes stay.
func testLogFieldsUnescaped(t *testing.T, s store.Store) {
	a := newCluster("sub", "rg", "a")
	put(t, s, a)
	b := logBatch("html", 0, 2, 0)
	b.Lines[0].Fields = json.RawMessage(`{"query":"a<b && c>d"}`)
	b.Lines[1].Fields = json.RawMessage(`{"query":"a\u003cb \u0026 c\u003Ed","path":"C:\\u003c","quote":"\""}`)
	appendLogs(t, s, a.ID, b, store.LogRetention{})
	batches, err := s.ListLogs(t.Context(), a.ID, store.LogQuery{})
	if err != nil || len(batches) != 1 || len(batches[0].Lines) != 2 {
		t.Fatalf("ListLogs = %+v, %v", batches, err)
	}
	for i, want := range []string{`{"query":"a<b && c>d"}`, `{"query":"a<b & c>d","path":"C:\\u003c","quote":"\""}`} {
		if got := string(batches[0].Lines[i].Fields); got != want {
			t.Errorf("stored fields %d = %s, want %s", i, got, want)
		}
	}
}

func testLogRetention(t *testing.T, s store.Store) {
	a := newCluster("sub", "rg", "a")
	put(t, s, a)
	first := paddedBatch("first", 0, 4)
	size := len(mustJSON(t, first.Lines))
	// Room for two batches of this size: the third removes the first, never the newest.
	limit := store.LogRetention{MaxBytes: int64(2*size + size/2)}
	appendLogs(t, s, a.ID, first, limit)
	appendLogs(t, s, a.ID, paddedBatch("second", 10, 4), limit)
	appendLogs(t, s, a.ID, paddedBatch("third", 20, 4), limit)
	got := messages(t, s, a.ID, store.LogQuery{})
	if len(got) != 8 || got[0] != "second 0" || got[7] != "third 3" {
		t.Errorf("after retention by size ListLogs = %q, want the second and third batches", got)
	}
	// Many appends: the newest that fit stay, every time.
	for i := range 10 {
		appendLogs(t, s, a.ID, paddedBatch(fmt.Sprintf("many%d", i), 100+10*i, 4), limit)
		previous := fmt.Sprintf("many%d 0", i-1)
		if i == 0 {
			previous = "third 0"
		}
		got := messages(t, s, a.ID, store.LogQuery{})
		if len(got) != 8 || got[0] != previous || got[7] != fmt.Sprintf("many%d 3", i) {
			t.Fatalf("after %d appends ListLogs = %q, want the last two batches", i+1, got)
		}
	}
	// A batch larger than the bound is kept alone: the newest lines always stay.
	appendLogs(t, s, a.ID, paddedBatch("large", 300, 12), limit)
	if got := messages(t, s, a.ID, store.LogQuery{}); len(got) != 12 || got[0] != "large 0" {
		t.Errorf("after a large batch ListLogs = %q, want only it", got)
	}
	// Retention by age: batches received before the cut go.
	appendLogs(t, s, a.ID, logBatch("later", 350, 1, 0), limit)
	if err := s.PruneDiagnostics(t.Context(), moment(345), time.Time{}); err != nil {
		t.Fatalf("PruneDiagnostics = %v", err)
	}
	wantStrings(t, "after retention by age ListLogs", messages(t, s, a.ID, store.LogQuery{}), "later 0")
}

// testLogBatchOverhead: a batch counts at least 64 bytes against the retention by size
// whatever its lines, so that many tiny batches cannot hold far more than the bound; a batch
// with neither lines nor a dropped count is not stored.
func testLogBatchOverhead(t *testing.T, s store.Store) {
	a := newCluster("sub", "rg", "a")
	put(t, s, a)
	limit := store.LogRetention{MaxBytes: 64 * 10}
	for range 30 {
		appendLogs(t, s, a.ID, store.LogBatch{ReceivedAt: moment(1), Dropped: 1}, limit)
	}
	if got := messages(t, s, a.ID, store.LogQuery{}); len(got) > 10 || len(got) == 0 {
		t.Errorf("30 batches of a dropped count within %d bytes: %d kept, want 1 to 10", limit.MaxBytes, len(got))
	}
	b := newCluster("sub", "rg", "b")
	put(t, s, b)
	appendLogs(t, s, b.ID, store.LogBatch{ReceivedAt: moment(1)}, limit)
	if batches, err := s.ListLogs(t.Context(), b.ID, store.LogQuery{}); err != nil || len(batches) != 0 {
		t.Errorf("after an empty batch ListLogs = %+v, %v, want none", batches, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func testUsage(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	put(t, s, a)
	put(t, s, b)
	beat := func(id string, minute int, cpu, mem int64) store.Runtime {
		return store.Runtime{ClusterID: id, LastHeartbeat: moment(minute),
			Heartbeat: protocol.Heartbeat{AgentCPUMillicores: cpu, AgentMemoryBytes: mem}}
	}
	for _, batch := range [][]store.Runtime{
		{beat(a.ID, 1, 4, 40<<20), beat(b.ID, 1, 9, 90<<20)},
		// Written again (a certificate change) without a new heartbeat: no second sample.
		{beat(a.ID, 1, 4, 40<<20), {ClusterID: b.ID}},
		{beat(a.ID, 2, 6, 41<<20), beat(clusterID("sub", "rg", "deleted"), 2, 1, 1)},
	} {
		if err := s.PutRuntimes(t.Context(), batch); err != nil {
			t.Fatalf("PutRuntimes = %v", err)
		}
	}
	// A later heartbeat within the same minute adds no sample: one is kept per minute, the
	// first, at the minute's start.
	sameMinute := beat(a.ID, 2, 99, 99<<20)
	sameMinute.LastHeartbeat = sameMinute.LastHeartbeat.Add(20 * time.Second)
	if err := s.PutRuntimes(t.Context(), []store.Runtime{sameMinute}); err != nil {
		t.Fatalf("PutRuntimes = %v", err)
	}
	minute := func(m int) time.Time { return moment(m).Truncate(time.Minute) }
	want := []store.UsageSample{{Time: minute(1), CPUMillicores: 4, MemoryBytes: 40 << 20}, {Time: minute(2), CPUMillicores: 6, MemoryBytes: 41 << 20}}
	wantUsage(t, s, a.ID, time.Time{}, want...)
	wantUsage(t, s, a.ID, minute(2), want[1])
	if err := s.PruneDiagnostics(t.Context(), time.Time{}, minute(2)); err != nil {
		t.Fatalf("PruneDiagnostics = %v", err)
	}
	wantUsage(t, s, a.ID, time.Time{}, want[1])
	if err := s.DeleteResource(t.Context(), b.ID, store.Always()); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	put(t, s, b)
	wantUsage(t, s, b.ID, time.Time{})
}

// testUsagePruneInChunks: pruning removes every sample before the bound, however many there
// are, and none after it.
func testUsagePruneInChunks(t *testing.T, s store.Store) {
	a := newCluster("sub", "rg", "a")
	put(t, s, a)
	start := moment(0).Truncate(time.Minute)
	const n = 12000
	for i := 0; i < n; i += 1000 {
		batch := make([]store.Runtime, 0, 1000)
		for j := i; j < i+1000; j++ {
			batch = append(batch, store.Runtime{ClusterID: a.ID, LastHeartbeat: start.Add(time.Duration(j) * time.Minute),
				Heartbeat: protocol.Heartbeat{AgentCPUMillicores: int64(j)}})
		}
		if err := s.PutRuntimes(t.Context(), batch); err != nil {
			t.Fatalf("PutRuntimes = %v", err)
		}
	}
	if err := s.PruneDiagnostics(t.Context(), time.Time{}, start.Add((n-10)*time.Minute)); err != nil {
		t.Fatalf("PruneDiagnostics = %v", err)
	}
	got, err := s.ListUsage(t.Context(), a.ID, time.Time{})
	if err != nil || len(got) != 10 || got[0].CPUMillicores != n-10 {
		t.Errorf("after pruning all but the last 10 minutes: %d samples (first %+v), %v", len(got), got[:min(1, len(got))], err)
	}
}

func wantUsage(t *testing.T, s store.Store, cluster string, since time.Time, want ...store.UsageSample) {
	t.Helper()
	got, err := s.ListUsage(t.Context(), cluster, since)
	if err != nil {
		t.Fatalf("ListUsage = %v", err)
	}
	same := func(a, b store.UsageSample) bool {
		return a.Time.Equal(b.Time) && inUTC(a.Time) && a.CPUMillicores == b.CPUMillicores && a.MemoryBytes == b.MemoryBytes
	}
	if !slices.EqualFunc(got, want, same) {
		t.Errorf("ListUsage(%s, since %v) = %+v, want %+v", cluster, since, got, want)
	}
}
