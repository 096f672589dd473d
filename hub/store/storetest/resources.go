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
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

func testGetResourceNotFound(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "present")
	put(t, s, c)
	for _, id := range []string{
		clusterID("sub", "rg", "absent"),
		clusterID("other", "rg", "present"),
		c.ID + "/providers/Microsoft.KubernetesConfiguration/extensions/x",
		"",
	} {
		r, err := s.GetResource(t.Context(), id)
		wantErrorIs(t, "GetResource("+id+")", err, store.ErrNotFound)
		if r != nil {
			t.Errorf("GetResource(%s) returned %+v with its error", id, r)
		}
	}
}

func testPutResourceCreates(t *testing.T, s store.Store) {
	before := time.Now().Truncate(time.Microsecond)
	r := newCluster("Sub-A", "RG-One", "Cluster-1")
	if created := put(t, s, r); !created {
		t.Error("PutResource of a new resource reported created = false")
	}
	after := time.Now()
	if r.CreatedAt.Before(before) || r.CreatedAt.After(after) || !r.UpdatedAt.Equal(r.CreatedAt) {
		t.Errorf("PutResource set CreatedAt %v, UpdatedAt %v; want both the time of the call, in [%v, %v]",
			r.CreatedAt, r.UpdatedAt, before, after)
	}
	for _, id := range []string{r.ID, strings.ToUpper(r.ID), strings.ToLower(r.ID)} {
		got, err := s.GetResource(t.Context(), id)
		if err != nil {
			t.Fatalf("GetResource(%s) = %v", id, err)
		}
		wantResource(t, got, r)
	}
}

func testPutResourceReplaces(t *testing.T, s store.Store) {
	first := newCluster("sub", "rg", "MyCluster")
	put(t, s, first)
	time.Sleep(2 * time.Millisecond) // so that UpdatedAt moves on any store's clock resolution
	second := newCluster("SUB", "RG", "mycluster")
	second.Body = json.RawMessage(`{"name":"mycluster","tags":{"env":"prod"}}`)
	if created := put(t, s, second); created {
		t.Error("PutResource of an existing resource reported created = true")
	}
	if second.ID != first.ID || !second.CreatedAt.Equal(first.CreatedAt) || !second.UpdatedAt.After(first.UpdatedAt) {
		t.Errorf("after replacing, r has ID %s, CreatedAt %v, UpdatedAt %v; want ID %s as first written, CreatedAt %v, UpdatedAt after %v",
			second.ID, second.CreatedAt, second.UpdatedAt, first.ID, first.CreatedAt, first.UpdatedAt)
	}
	got, err := s.GetResource(t.Context(), first.ID)
	if err != nil {
		t.Fatalf("GetResource = %v", err)
	}
	wantResource(t, got, second)
	list, err := s.ListResources(t.Context(), store.ListQuery{})
	if err != nil || len(list) != 1 {
		t.Errorf("ListResources after a replace = %d resources, %v; want 1", len(list), err)
	}
}

func testPutResourceRejects(t *testing.T, s store.Store) {
	cluster := newCluster("sub", "rg", "c")
	orphan := newExtension(cluster, "flux")
	noID := newCluster("sub", "rg", "x")
	noID.ID = ""
	noType := newCluster("sub", "rg", "y")
	noType.Type = ""
	tests := []struct {
		name     string
		r        *store.Resource
		notFound bool
	}{
		{name: "missing parent", r: orphan, notFound: true},
		{name: "no ID", r: noID},
		{name: "no type", r: noType},
	}
	for _, tt := range tests {
		_, err := s.PutResource(t.Context(), tt.r, store.Always())
		if err == nil || errors.Is(err, store.ErrNotFound) != tt.notFound {
			t.Errorf("%s: PutResource = %v, want an error (ErrNotFound: %v)", tt.name, err, tt.notFound)
		}
	}
	list, err := s.ListResources(t.Context(), store.ListQuery{})
	if err != nil || len(list) != 0 {
		t.Errorf("after rejected puts ListResources = %d resources, %v; want none", len(list), err)
	}
}

// listFixture stores clusters and extensions in two subscriptions and returns them by name.
func listFixture(t *testing.T, s store.Store) map[string]*store.Resource {
	rs := map[string]*store.Resource{
		"c1": newCluster("sub1", "rg1", "c1"),
		"C2": newCluster("sub1", "rg1", "C2"),
		"c3": newCluster("sub1", "RG2", "c3"),
		"c4": newCluster("sub2", "rg1", "c4"),
	}
	rs["e1"] = newExtension(rs["c1"], "e1")
	rs["E2"] = newExtension(rs["c1"], "E2")
	rs["e3"] = newExtension(rs["c3"], "e3")
	for _, name := range []string{"c1", "C2", "c3", "c4", "e1", "E2", "e3"} {
		put(t, s, rs[name])
	}
	return rs
}

func testListResources(t *testing.T, s store.Store) {
	rs := listFixture(t, s)
	tests := []struct {
		name string
		q    store.ListQuery
		want []string
	}{
		{"everything, by case-folded ID", store.ListQuery{}, []string{"c1", "e1", "E2", "C2", "c3", "e3", "c4"}},
		{"type", store.ListQuery{Type: clusterType}, []string{"c1", "C2", "c3", "c4"}},
		{"type in another case", store.ListQuery{Type: strings.ToUpper(extensionType)}, []string{"e1", "E2", "e3"}},
		{"subscription", store.ListQuery{Type: clusterType, Subscription: "SUB1"}, []string{"c1", "C2", "c3"}},
		{"resource group", store.ListQuery{Type: clusterType, Subscription: "sub1", ResourceGroup: "rg2"}, []string{"c3"}},
		{"group name in two subscriptions", store.ListQuery{ResourceGroup: "rg1", Type: clusterType}, []string{"c1", "C2", "c4"}},
		{"parent", store.ListQuery{ParentID: strings.ToUpper(rs["c1"].ID)}, []string{"e1", "E2"}},
		{"after is exclusive and case-insensitive", store.ListQuery{Type: clusterType, After: strings.ToUpper(rs["C2"].ID)}, []string{"c3", "c4"}},
		{"after an absent ID", store.ListQuery{Type: clusterType, After: clusterID("sub1", "rg1", "c1a")}, []string{"C2", "c3", "c4"}},
		{"after the last", store.ListQuery{After: rs["c4"].ID}, nil},
		{"limit", store.ListQuery{Type: clusterType, Limit: 2}, []string{"c1", "C2"}},
		{"after and limit", store.ListQuery{Type: clusterType, After: rs["c1"].ID, Limit: 2}, []string{"C2", "c3"}},
		{"unknown type", store.ListQuery{Type: "Microsoft.Kubernetes/nothing"}, nil},
	}
	for _, tt := range tests {
		list, err := s.ListResources(t.Context(), tt.q)
		if err != nil {
			t.Errorf("%s: ListResources(%+v) = %v", tt.name, tt.q, err)
			continue
		}
		var want []string
		for _, name := range tt.want {
			want = append(want, rs[name].ID)
		}
		if got := ids(list); !slices.Equal(got, want) {
			t.Errorf("%s: ListResources(%+v) =\n%s\nwant\n%s", tt.name, tt.q, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	list, err := s.ListResources(t.Context(), store.ListQuery{ParentID: rs["c3"].ID})
	if err != nil || len(list) != 1 {
		t.Fatalf("ListResources(parent c3) = %d, %v; want e3", len(list), err)
	}
	wantResource(t, list[0], rs["e3"])
}

func testListResourcesPages(t *testing.T, s store.Store) {
	want := make([]string, 0, 7)
	for i := range cap(want) {
		r := newCluster("sub", "rg", "c"+string(rune('a'+i)))
		put(t, s, r)
		want = append(want, r.ID)
	}
	var got []string
	q := store.ListQuery{Type: clusterType, Limit: 3}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatalf("paging does not end; got %v", got)
		}
		page, err := s.ListResources(t.Context(), q)
		if err != nil {
			t.Fatalf("ListResources(%+v) = %v", q, err)
		}
		got = append(got, ids(page)...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages of 3 = %v, want %v", got, want)
	}
}

func ids(list []*store.Resource) []string {
	out := make([]string, 0, len(list))
	for _, r := range list {
		out = append(out, r.ID)
	}
	return out
}

// wantResource compares a stored resource with the one put.
func wantResource(t *testing.T, got, want *store.Resource) {
	t.Helper()
	if got.ID != want.ID || got.Type != want.Type || got.Subscription != want.Subscription ||
		got.ResourceGroup != want.ResourceGroup || got.ParentID != want.ParentID {
		t.Errorf("resource = %s %s %s %s parent %q, want %s %s %s %s parent %q",
			got.ID, got.Type, got.Subscription, got.ResourceGroup, got.ParentID,
			want.ID, want.Type, want.Subscription, want.ResourceGroup, want.ParentID)
	}
	if !jsonEqual(got.Body, want.Body) {
		t.Errorf("resource %s body = %s, want %s", got.ID, got.Body, want.Body)
	}
	if got.Version == "" || got.Version != want.Version {
		t.Errorf("resource %s version = %q, want %q as PutResource set it", got.ID, got.Version, want.Version)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("resource %s times = %v, %v; want %v, %v", got.ID, got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	if got.CreatedAt.Location() != time.UTC || got.UpdatedAt.Location() != time.UTC {
		t.Errorf("resource %s times are in %v, %v; want UTC", got.ID, got.CreatedAt.Location(), got.UpdatedAt.Location())
	}
}
