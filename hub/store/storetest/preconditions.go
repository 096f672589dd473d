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
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

// wantCondition fails the test unless err is a *store.ConditionError on id wrapping target.
func wantCondition(t *testing.T, what string, err error, id string, target error) {
	t.Helper()
	failed, ok := store.FailedOn(err)
	if !ok || !errors.Is(err, target) || failed != id {
		t.Errorf("%s = %v, want a ConditionError on %s wrapping %q", what, err, id, target)
	}
}

// wantBody fails the test unless the stored resource id has body.
func wantBody(t *testing.T, s store.Store, id, body string) {
	t.Helper()
	got, err := s.GetResource(t.Context(), id)
	if err != nil || !jsonEqual(got.Body, []byte(body)) {
		t.Errorf("stored %s = %v, %v; want body %s", id, got, err, body)
	}
}

func testPreconditions(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c1")
	_, err := s.PutResource(t.Context(), c, store.IfPresent())
	wantCondition(t, "PutResource(IfPresent) of an absent resource", err, c.ID, store.ErrNotFound)
	_, err = s.PutResource(t.Context(), c, store.IfVersion("1"))
	wantCondition(t, "PutResource(IfVersion) of an absent resource", err, c.ID, store.ErrNotFound)
	if _, err := s.GetResource(t.Context(), c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed PutResource created the resource: GetResource = %v", err)
	}
	if created, err := s.PutResource(t.Context(), c, store.IfAbsent()); err != nil || !created || c.Version == "" {
		t.Fatalf("PutResource(IfAbsent) of a new resource = %v, %v, version %q; want created with a version", created, err, c.Version)
	}
	first := c.Version
	again := newCluster("sub", "rg", "c1")
	again.Body = json.RawMessage(`{"name":"again"}`)
	_, err = s.PutResource(t.Context(), again, store.IfAbsent())
	wantCondition(t, "PutResource(IfAbsent) of an existing resource", err, c.ID, store.ErrConflict)
	again.Body = json.RawMessage(`{"name":"second"}`)
	if _, err := s.PutResource(t.Context(), again, store.IfVersion(first)); err != nil || again.Version == first {
		t.Fatalf("PutResource(IfVersion(current)) = %v, version %q; want a new version", err, again.Version)
	}
	stale := newCluster("sub", "rg", "c1")
	stale.Body = json.RawMessage(`{"name":"stale"}`)
	_, err = s.PutResource(t.Context(), stale, store.IfVersion(first))
	wantCondition(t, "PutResource(IfVersion(stale))", err, c.ID, store.ErrConflict)
	_, err = s.PutResource(t.Context(), stale, store.AsRead(""))
	wantCondition(t, "PutResource(AsRead(\"\")) of an existing resource", err, c.ID, store.ErrConflict)
	wantBody(t, s, c.ID, `{"name":"second"}`)
	if _, err := s.PutResource(t.Context(), stale, store.IfPresent()); err != nil {
		t.Errorf("PutResource(IfPresent) of an existing resource = %v", err)
	}
}

func testPreconditionsOnDelete(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c1")
	put(t, s, c, profile(c.ID, "1.0.0"))
	version := c.Version
	put(t, s, c)
	err := s.DeleteResource(t.Context(), c.ID, store.IfVersion(version), profile(c.ID, "2.0.0"))
	wantCondition(t, "DeleteResource(IfVersion(stale))", err, c.ID, store.ErrConflict)
	if got := state(t, s, c.ID); len(got.Items) != 1 || !jsonEqual(got.Items[0].Spec, profile(c.ID, "1.0.0").Spec) {
		t.Errorf("a failed DeleteResource applied its changes: desired state %+v", got.Items)
	}
	if err := s.DeleteResource(t.Context(), c.ID, store.IfVersion(c.Version)); err != nil {
		t.Fatalf("DeleteResource(IfVersion(current)) = %v", err)
	}
	err = s.DeleteResource(t.Context(), c.ID, store.IfVersion(c.Version))
	wantErrorIs(t, "DeleteResource(IfVersion) of a deleted resource", err, store.ErrNotFound)
	_, err = s.PutResource(t.Context(), c, store.IfVersion(c.Version))
	wantCondition(t, "PutResource(IfVersion) of a deleted resource", err, c.ID, store.ErrNotFound)
	if _, err := s.GetResource(t.Context(), c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a conditional write brought a deleted resource back: GetResource = %v", err)
	}
}

func testVersionsNeverRepeat(t *testing.T, s store.Store) {
	seen := map[string]bool{}
	for range 3 {
		c := newCluster("sub", "rg", "c1")
		put(t, s, c)
		put(t, s, c)
		got, err := s.GetResource(t.Context(), c.ID)
		if err != nil || got.Version != c.Version {
			t.Fatalf("GetResource = %v, %v; want version %q", got, err, c.Version)
		}
		list, err := s.ListResources(t.Context(), store.ListQuery{Type: clusterType})
		if err != nil || len(list) != 1 || list[0].Version != c.Version {
			t.Fatalf("ListResources = %v, %v; want one resource at version %q", list, err, c.Version)
		}
		if seen[c.Version] {
			t.Errorf("version %q was issued twice (the resource was deleted and created again)", c.Version)
		}
		seen[c.Version] = true
		if err := s.DeleteResource(t.Context(), c.ID, store.IfPresent()); err != nil {
			t.Fatal(err)
		}
	}
}

func testPreconditionOfParent(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c1")
	put(t, s, c)
	ext := newExtension(c, "monitor")
	if err := s.DeleteResource(t.Context(), c.ID, store.IfPresent()); err != nil {
		t.Fatal(err)
	}
	_, err := s.PutResource(t.Context(), ext, store.IfAbsent(), extensionObject(c.ID, "monitor", false))
	wantCondition(t, "PutResource of a child of a deleted parent", err, c.ID, store.ErrNotFound)
}

func testPreconditionOfRelated(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c1")
	put(t, s, c)
	read := c.Version
	ext := newExtension(c, "monitor")
	if _, err := s.PutResource(t.Context(), ext, store.IfAbsent().With(c.ID, read), extensionObject(c.ID, "monitor", false)); err != nil {
		t.Fatalf("PutResource with its parent as read = %v", err)
	}
	put(t, s, c)
	ext.Body = json.RawMessage(`{"name":"changed"}`)
	_, err := s.PutResource(t.Context(), ext, store.IfVersion(ext.Version).With(c.ID, read), extensionObject(c.ID, "other", false))
	wantCondition(t, "PutResource with its parent changed since read", err, c.ID, store.ErrConflict)
	wantBody(t, s, ext.ID, `{"name":"monitor"}`)
	if got := state(t, s, c.ID); len(got.Items) != 1 {
		t.Errorf("a failed PutResource applied its changes: desired state %+v", got.Items)
	}
	err = s.DeleteResource(t.Context(), ext.ID, store.IfPresent().With(c.ID, read))
	wantCondition(t, "DeleteResource with its parent changed since read", err, c.ID, store.ErrConflict)
	_, err = s.PutResource(t.Context(), ext, store.Always().With("/subscriptions/sub/resourceGroups/rg/providers/x/y/gone", "1"))
	wantCondition(t, "PutResource with a related resource gone", err, "/subscriptions/sub/resourceGroups/rg/providers/x/y/gone", store.ErrNotFound)
}

func testPreconditionOfChildren(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c1")
	put(t, s, c)
	a, b := newExtension(c, "a"), newExtension(c, "b")
	put(t, s, a)
	put(t, s, b)
	children := func() *store.Children {
		return &store.Children{Types: []string{extensionType}, Versions: map[string]string{a.ID: a.Version, b.ID: b.Version}}
	}
	pre := store.IfVersion(c.Version)
	pre.Children = children()
	if _, err := s.PutResource(t.Context(), c, pre); err != nil {
		t.Fatalf("PutResource with its children as read = %v", err)
	}
	for _, tt := range []struct {
		name   string
		change func()
	}{
		{"a child changed", func() { put(t, s, a) }},
		{"a child added", func() { put(t, s, newExtension(c, "new")) }},
		{"a child deleted", func() {
			if err := s.DeleteResource(t.Context(), b.ID, store.IfPresent()); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		pre := store.IfVersion(c.Version)
		pre.Children = children()
		tt.change()
		_, err := s.PutResource(t.Context(), c, pre)
		wantCondition(t, "PutResource with "+tt.name+" since read", err, c.ID, store.ErrConflict)
	}
}
