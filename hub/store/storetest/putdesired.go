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
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

// testPutDesired: desired changes written on their own apply to several clusters at once,
// only while the resources they were computed from are as read, and never for a missing
// cluster.
func testPutDesired(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	put(t, s, a)
	put(t, s, b)
	source := newExtension(a, "source")
	put(t, s, source)
	read := source.Version
	if err := s.PutDesired(t.Context(), map[string]string{source.ID: read},
		extensionObject(a.ID, "x", false), extensionObject(b.ID, "x", false)); err != nil {
		t.Fatalf("PutDesired with its source as read = %v", err)
	}
	for _, c := range []*store.Resource{a, b} {
		if got := state(t, s, c.ID).Items; len(got) != 1 || got[0].Name != "x" {
			t.Errorf("desired state of %s after PutDesired = %+v, want the object x", c.ID, got)
		}
	}
	if err := s.PutDesired(t.Context(), nil, extensionObject(a.ID, "x", true)); err != nil {
		t.Fatalf("PutDesired of a deletion = %v", err)
	}
	if got := state(t, s, a.ID).Items; len(got) != 0 {
		t.Errorf("desired state of %s after the deletion = %+v, want none", a.ID, got)
	}

	put(t, s, source)
	err := s.PutDesired(t.Context(), map[string]string{source.ID: read}, extensionObject(a.ID, "stale", false))
	wantCondition(t, "PutDesired with its source changed since read", err, source.ID, store.ErrConflict)
	gone := clusterID("sub", "rg", "gone")
	err = s.PutDesired(t.Context(), nil, extensionObject(a.ID, "partial", false), extensionObject(gone, "x", false))
	wantCondition(t, "PutDesired for a missing cluster", err, gone, store.ErrNotFound)
	err = s.PutDesired(t.Context(), map[string]string{gone: "1"}, extensionObject(a.ID, "partial", false))
	wantCondition(t, "PutDesired with a related resource gone", err, gone, store.ErrNotFound)
	if got := state(t, s, a.ID).Items; len(got) != 0 {
		t.Errorf("failed PutDesired calls wrote %+v", got)
	}
}
