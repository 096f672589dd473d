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
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func testDeleteResourceNotFound(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c)
	if err := s.DeleteResource(t.Context(), c.ID, store.Always()); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	for _, id := range []string{c.ID, clusterID("sub", "rg", "never")} {
		wantErrorIs(t, "DeleteResource("+id+")", s.DeleteResource(t.Context(), id, store.Always()), store.ErrNotFound)
	}
}

// cascadeFixture is a cluster with children and a grandchild, desired state, runtime and
// statuses, and a second cluster beside it with the same.
type cascadeFixture struct {
	doomed, kept                 *store.Resource
	doomedChildren, keptChildren []*store.Resource
	// doomedVersion is the resourceVersion before the deletion.
	doomedVersion string
	keptState     protocol.DesiredState
}

func newCascadeFixture(t *testing.T, s store.Store) *cascadeFixture {
	f := &cascadeFixture{doomed: newCluster("sub", "rg", "doomed"), kept: newCluster("sub", "rg", "kept")}
	ext := newExtension(f.doomed, "monitor")
	grandchild := &store.Resource{ID: ext.ID + "/operations/op1", Type: extensionType + "/operations",
		Subscription: "sub", ResourceGroup: "rg", ParentID: ext.ID, Body: json.RawMessage(`{}`)}
	f.doomedChildren = []*store.Resource{ext, grandchild, newExtension(f.doomed, "flux")}
	f.keptChildren = []*store.Resource{newExtension(f.kept, "monitor")}
	for _, c := range []*store.Resource{f.doomed, f.kept} {
		put(t, s, c, profile(c.ID, "1.0.0"), extensionObject(c.ID, "monitor", false))
	}
	for _, r := range append(slices.Clone(f.doomedChildren), f.keptChildren...) {
		put(t, s, r)
	}
	status := protocol.ObjectStatus{Kind: kindExtension, Name: "monitor", Status: json.RawMessage(`{"phase":"Installed"}`)}
	for _, c := range []*store.Resource{f.doomed, f.kept} {
		if err := s.PutStatuses(t.Context(), c.ID, store.Puts(status)); err != nil {
			t.Fatalf("PutStatuses = %v", err)
		}
	}
	if err := s.PutRuntimes(t.Context(), []store.Runtime{{ClusterID: f.doomed.ID}, {ClusterID: f.kept.ID}}); err != nil {
		t.Fatalf("PutRuntimes = %v", err)
	}
	f.doomedVersion = state(t, s, f.doomed.ID).ResourceVersion
	f.keptState = state(t, s, f.kept.ID)
	return f
}

func testDeleteResourceCascades(t *testing.T, s store.Store) {
	f := newCascadeFixture(t, s)
	if err := s.DeleteResource(t.Context(), strings.ToUpper(f.doomed.ID), store.Always()); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	for _, r := range append([]*store.Resource{f.doomed}, f.doomedChildren...) {
		_, err := s.GetResource(t.Context(), r.ID)
		wantErrorIs(t, "GetResource("+r.ID+") after deleting its cluster", err, store.ErrNotFound)
	}
	for _, r := range append([]*store.Resource{f.kept}, f.keptChildren...) {
		if _, err := s.GetResource(t.Context(), r.ID); err != nil {
			t.Errorf("GetResource(%s) of another cluster = %v", r.ID, err)
		}
	}
	if items := state(t, s, f.doomed.ID).Items; len(items) != 0 {
		t.Errorf("desired state of the deleted cluster = %v, want none", items)
	}
	changes, _, err := s.DesiredChanges(t.Context(), f.doomed.ID, f.doomedVersion)
	if err != nil {
		t.Fatalf("DesiredChanges of the deleted cluster = %v", err)
	}
	want := []string{"DELETED AgentProfile/default", "DELETED Extension/monitor"}
	if got := events(changes); !slices.Equal(sorted(got), want) {
		t.Errorf("watchers of the deleted cluster see %v, want %v", got, want)
	}
	if got := state(t, s, f.kept.ID); !slices.EqualFunc(got.Items, f.keptState.Items, sameObject) {
		t.Errorf("desired state of the other cluster = %+v, want %+v", got.Items, f.keptState.Items)
	}
	wantClusterData(t, s, f.kept.ID, f.doomed.ID)
	// A cluster created again under the same ID starts clean.
	put(t, s, newCluster("sub", "rg", "doomed"))
	wantClusterData(t, s, f.kept.ID, f.doomed.ID)
}

// wantClusterData checks that only cluster kept has a runtime and statuses, gone none.
func wantClusterData(t *testing.T, s store.Store, kept, gone string) {
	t.Helper()
	runtimes, err := s.ListRuntimes(t.Context())
	if err != nil || len(runtimes) != 1 || runtimes[0].ClusterID != kept {
		t.Errorf("ListRuntimes = %+v, %v; want only %s", runtimes, err, kept)
	}
	if st, err := s.ListStatuses(t.Context(), gone); err != nil || len(st) != 0 {
		t.Errorf("ListStatuses of the deleted cluster = %+v, %v; want none", st, err)
	}
	if st, err := s.ListStatuses(t.Context(), kept); err != nil || len(st) != 1 {
		t.Errorf("ListStatuses of the other cluster = %+v, %v; want 1", st, err)
	}
}

func testDeleteChildAppliesChanges(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	ext := newExtension(c, "monitor")
	put(t, s, c, profile(c.ID, "1.0.0"))
	put(t, s, ext, extensionObject(c.ID, "monitor", false))
	rv := state(t, s, c.ID).ResourceVersion
	if err := s.DeleteResource(t.Context(), ext.ID, store.Always(), extensionObject(c.ID, "monitor", true)); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	if _, err := s.GetResource(t.Context(), c.ID); err != nil {
		t.Errorf("GetResource of the parent after deleting a child = %v", err)
	}
	changes, _, err := s.DesiredChanges(t.Context(), c.ID, rv)
	if got, want := events(changes), []string{"DELETED Extension/monitor"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("DesiredChanges after deleting the extension = %v, %v; want %v", got, err, want)
	}
}

func testChangesAreAtomic(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	ext := newExtension(c, "monitor")
	put(t, s, c, profile(c.ID, "1.0.0"))
	put(t, s, ext)
	rv := state(t, s, c.ID).ResourceVersion
	absent := clusterID("sub", "rg", "absent")
	noKind := store.DesiredChange{ClusterID: c.ID, Name: "x", Spec: json.RawMessage(`{}`)}
	tests := []struct {
		name     string
		do       func() error
		notFound bool
	}{
		{"put with a change of a missing cluster", func() error {
			_, err := s.PutResource(t.Context(), newCluster("sub", "rg", "new"), store.Always(), profile(c.ID, "2.0.0"), profile(absent, "1.0.0"))
			return err
		}, true},
		{"put with a change without kind", func() error {
			_, err := s.PutResource(t.Context(), newCluster("sub", "rg", "new"), store.Always(), profile(c.ID, "2.0.0"), noKind)
			return err
		}, false},
		{"delete with a change of a missing cluster", func() error {
			return s.DeleteResource(t.Context(), ext.ID, store.Always(), profile(c.ID, "2.0.0"), profile(absent, "1.0.0"))
		}, true},
	}
	for _, tt := range tests {
		err := tt.do()
		if err == nil || errors.Is(err, store.ErrNotFound) != tt.notFound {
			t.Errorf("%s = %v, want an error (ErrNotFound: %v)", tt.name, err, tt.notFound)
		}
	}
	if _, err := s.GetResource(t.Context(), clusterID("sub", "rg", "new")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a failed PutResource left its resource behind: GetResource = %v", err)
	}
	if _, err := s.GetResource(t.Context(), ext.ID); err != nil {
		t.Errorf("a failed DeleteResource deleted its resource: GetResource = %v", err)
	}
	if got := state(t, s, c.ID).ResourceVersion; got != rv {
		t.Errorf("failed writes moved the resourceVersion from %s to %s", rv, got)
	}
}
