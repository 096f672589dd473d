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
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func testDesiredStateEmpty(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c)
	for _, id := range []string{c.ID, clusterID("sub", "rg", "unknown")} {
		st := state(t, s, id)
		if len(st.Items) != 0 || st.ResourceVersion == "" {
			t.Errorf("DesiredState(%s) = %+v, want no items and a resourceVersion", id, st)
		}
		for _, since := range []string{"", "0", st.ResourceVersion} {
			changes, rv, err := s.DesiredChanges(t.Context(), id, since)
			if err != nil || len(changes) != 0 || rv != st.ResourceVersion {
				t.Errorf("DesiredChanges(%s, %q) = %v, %q, %v; want none at %s", id, since, changes, rv, err, st.ResourceVersion)
			}
		}
	}
}

func testDesiredChanges(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	ext := newExtension(a, "monitor")
	put(t, s, a, profile(a.ID, "1.0.0"))
	v1 := state(t, s, a.ID).ResourceVersion
	put(t, s, ext, extensionObject(a.ID, "monitor", false))
	v2 := state(t, s, a.ID).ResourceVersion
	put(t, s, b, profile(b.ID, "1.0.0"))
	put(t, s, a, profile(a.ID, "2.0.0"))
	v3 := state(t, s, a.ID).ResourceVersion
	if err := s.DeleteResource(t.Context(), ext.ID, store.Always(), extensionObject(a.ID, "monitor", true)); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	v4 := state(t, s, a.ID).ResourceVersion
	if n1, n2, n3, n4 := rvNum(t, v1), rvNum(t, v2), rvNum(t, v3), rvNum(t, v4); n1 >= n2 || n2 >= n3 || n3 >= n4 {
		t.Fatalf("resourceVersions %s, %s, %s, %s do not increase", v1, v2, v3, v4)
	}
	st := state(t, s, strings.ToUpper(a.ID))
	want := protocol.DesiredObject{Kind: protocol.KindAgentProfile, Name: "default", ResourceVersion: v3, Spec: profile(a.ID, "2.0.0").Spec}
	if st.ResourceVersion != v4 || len(st.Items) != 1 || !sameObject(st.Items[0], want) {
		t.Errorf("DesiredState = %+v, want %+v at %s", st, want, v4)
	}
	modified := []string{"MODIFIED AgentProfile/default@" + v3, "DELETED Extension/monitor@" + v4}
	tests := []struct {
		since string
		want  []string
	}{
		{"", []string{"ADDED AgentProfile/default@" + v3, "DELETED Extension/monitor@" + v4}},
		{"0", []string{"ADDED AgentProfile/default@" + v3, "DELETED Extension/monitor@" + v4}},
		{v1, modified},
		{v2, modified},
		{v3, []string{"DELETED Extension/monitor@" + v4}},
		{v4, nil},
	}
	for _, tt := range tests {
		changes, rv, err := s.DesiredChanges(t.Context(), a.ID, tt.since)
		if got := eventsAt(changes); err != nil || rv != v4 || !slices.Equal(got, tt.want) {
			t.Errorf("DesiredChanges(since %q) = %v, %q, %v; want %v, %q", tt.since, got, rv, err, tt.want, v4)
		}
		wantLiveObjects(t, changes, want)
	}
}

// wantLiveObjects checks the object of every ADDED and MODIFIED change.
func wantLiveObjects(t *testing.T, changes []store.WatchChange, want protocol.DesiredObject) {
	t.Helper()
	for _, c := range changes {
		if c.Type != protocol.Deleted && !sameObject(c.Object, want) {
			t.Errorf("%s change carries %+v, want %+v", c.Type, c.Object, want)
		}
	}
}

func testDesiredNoOps(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c, profile(c.ID, "1.0.0"), extensionObject(c.ID, "monitor", false), extensionObject(c.ID, "old", false))
	put(t, s, c, extensionObject(c.ID, "old", true))
	rv := state(t, s, c.ID).ResourceVersion
	tests := []struct {
		name    string
		changes []store.DesiredChange
	}{
		{"the same spec", []store.DesiredChange{profile(c.ID, "1.0.0")}},
		{"the same spec, cluster ID in another case", []store.DesiredChange{profile(strings.ToUpper(c.ID), "1.0.0")}},
		{"no changes", nil},
		{"deleting an absent object", []store.DesiredChange{extensionObject(c.ID, "never", true)}},
		{"deleting a deleted object", []store.DesiredChange{extensionObject(c.ID, "old", true)}},
	}
	for _, tt := range tests {
		put(t, s, c, tt.changes...)
		if got := state(t, s, c.ID).ResourceVersion; got != rv {
			t.Errorf("%s moved the resourceVersion from %s to %s", tt.name, rv, got)
		}
		if changes, _, err := s.DesiredChanges(t.Context(), c.ID, rv); err != nil || len(changes) != 0 {
			t.Errorf("%s: DesiredChanges = %v, %v; want none", tt.name, eventsAt(changes), err)
		}
	}
}

func testDesiredRevive(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c, extensionObject(c.ID, "monitor", false))
	v1 := state(t, s, c.ID).ResourceVersion
	put(t, s, c, extensionObject(c.ID, "monitor", true))
	v2 := state(t, s, c.ID).ResourceVersion
	revived := extensionObject(c.ID, "monitor", false)
	revived.Spec = []byte(`{"extensionType":"monitor","version":"2"}`)
	put(t, s, c, revived)
	v3 := state(t, s, c.ID).ResourceVersion
	want := []string{"ADDED Extension/monitor@" + v3}
	for _, since := range []string{v1, v2} {
		changes, _, err := s.DesiredChanges(t.Context(), c.ID, since)
		if got := eventsAt(changes); err != nil || !slices.Equal(got, want) {
			t.Errorf("DesiredChanges(since %s) = %v, %v; want %v", since, got, err, want)
		}
	}
	items := state(t, s, c.ID).Items
	if len(items) != 1 || !jsonEqual(items[0].Spec, revived.Spec) {
		t.Errorf("DesiredState items = %+v, want the revived object", items)
	}
}

func testDesiredChangesBadVersion(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c, profile(c.ID, "1.0.0"))
	future := strconv.FormatInt(rvNum(t, state(t, s, c.ID).ResourceVersion)+1000, 10)
	tests := []struct {
		since string
		gone  bool
	}{
		{"abc", false}, {"-1", false}, {"1.5", false}, {"0x10", false}, {" 1", false},
		{future, true},
	}
	for _, tt := range tests {
		changes, _, err := s.DesiredChanges(t.Context(), c.ID, tt.since)
		if err == nil || errors.Is(err, store.ErrGone) != tt.gone || errors.Is(err, store.ErrNotFound) {
			t.Errorf("DesiredChanges(since %q) = %v, %v; want an error (ErrGone: %v)", tt.since, eventsAt(changes), err, tt.gone)
		}
	}
}

func testCompactDesired(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c, profile(c.ID, "1.0.0"), extensionObject(c.ID, "monitor", false))
	v1 := state(t, s, c.ID).ResourceVersion
	put(t, s, c, extensionObject(c.ID, "monitor", true))
	v2 := state(t, s, c.ID).ResourceVersion
	// Times far east and west of UTC: compaction compares instants, not clock readings.
	compact(t, s, time.Now().Add(-time.Hour).In(time.FixedZone("east", 14*3600)))
	if changes, _, err := s.DesiredChanges(t.Context(), c.ID, "0"); err != nil || len(changes) != 2 {
		t.Errorf("after compacting nothing, DesiredChanges(0) = %v, %v; want 2 changes", eventsAt(changes), err)
	}
	compact(t, s, time.Now().Add(time.Hour).In(time.FixedZone("west", -12*3600)))
	for _, since := range []string{"", "0", v1} {
		_, _, err := s.DesiredChanges(t.Context(), c.ID, since)
		wantErrorIs(t, fmt.Sprintf("after compaction, DesiredChanges(since %q)", since), err, store.ErrGone)
	}
	if changes, _, err := s.DesiredChanges(t.Context(), c.ID, v2); err != nil || len(changes) != 0 {
		t.Errorf("DesiredChanges(since the horizon %s) = %v, %v; want none", v2, eventsAt(changes), err)
	}
	if items := state(t, s, c.ID).Items; len(items) != 1 || items[0].Kind != protocol.KindAgentProfile {
		t.Errorf("compaction changed the live state: %+v", items)
	}
	put(t, s, c, extensionObject(c.ID, "flux", false))
	compact(t, s, time.Now().Add(time.Hour))
	v3 := state(t, s, c.ID).ResourceVersion
	changes, _, err := s.DesiredChanges(t.Context(), c.ID, v2)
	if got, want := eventsAt(changes), []string{"ADDED Extension/flux@" + v3}; err != nil || !slices.Equal(got, want) {
		t.Errorf("DesiredChanges(since the horizon) after a new change = %v, %v; want %v", got, err, want)
	}
}

func compact(t *testing.T, s store.Store, before time.Time) {
	t.Helper()
	if err := s.CompactDesired(t.Context(), before); err != nil {
		t.Fatalf("CompactDesired(%v) = %v", before, err)
	}
}

// events renders changes as "TYPE Kind/Name".
func events(changes []store.WatchChange) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		out = append(out, fmt.Sprintf("%s %s/%s", c.Type, c.Object.Kind, c.Object.Name))
	}
	return out
}

// eventsAt renders changes as "TYPE Kind/Name@resourceVersion".
func eventsAt(changes []store.WatchChange) []string {
	out := events(changes)
	for i, c := range changes {
		out[i] += "@" + c.Object.ResourceVersion
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// sameObject compares desired objects, their specs as JSON.
func sameObject(a, b protocol.DesiredObject) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.ResourceVersion == b.ResourceVersion && jsonEqual(a.Spec, b.Spec)
}
