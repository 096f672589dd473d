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
	"sync"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// testStatusesOfUndesiredObjects: a status with an observedResourceVersion is kept only
// while its desired object lives; one of a deleted or never desired object is not stored,
// and removes the stored one.
func testStatusesOfUndesiredObjects(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c, extensionObject(c.ID, "kept", false), extensionObject(c.ID, "gone", false))
	putStatuses(t, s, c.ID, store.Puts(status(kindExtension, "gone", "2", "Installed")))
	put(t, s, c, extensionObject(c.ID, "gone", true))
	putStatuses(t, s, c.ID, store.Puts(status(kindExtension, "kept", "1", "Installed"), status(kindExtension, "gone", "2", "Uninstalling"),
		status(kindExtension, "never", "1", "Installed"), status(kindExtension, "local", "", "Installed")))
	wantStatuses(t, s, c.ID, status(kindExtension, "kept", "1", "Installed"), status(kindExtension, "local", "", "Installed"))
}

// testStatusesRemove: writes apply in order, and a removal removes the stored status.
func testStatusesRemove(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c)
	a, b := status(kindExtension, "a", "", "Installed"), status(kindExtension, "b", "", "Installed")
	putStatuses(t, s, c.ID, store.Puts(a, b))
	putStatuses(t, s, c.ID, store.StatusUpdate{Writes: []store.StatusWrite{
		{Status: a, Remove: true}, {Status: b, Remove: true}, {Status: b}, {Status: status(kindExtension, "absent", "", "x"), Remove: true},
	}})
	wantStatuses(t, s, c.ID, b)
}

// testStatusLimits: an update that would leave a cluster with more statuses than a bound
// is refused whole; one that keeps the count, or lowers it, passes even over a bound.
func testStatusLimits(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c, extensionObject(c.ID, "hub", false))
	owned := func(i int, phase string) protocol.ObjectStatus {
		return status(kindExtension, fmt.Sprint("local-", i), "", phase)
	}
	limited := func(u store.StatusUpdate, clusterOwned, total int) store.StatusUpdate {
		u.MaxClusterOwned, u.MaxTotal = clusterOwned, total
		return u
	}
	putStatuses(t, s, c.ID, limited(store.Puts(owned(0, "a"), owned(1, "a"), owned(2, "a")), 3, 0))
	err := s.PutStatuses(t.Context(), c.ID, limited(store.Puts(owned(0, "b"), owned(3, "a")), 3, 0))
	wantLimitError(t, err, &store.StatusLimitError{ClusterOwned: true, Limit: 3, Count: 4})
	err = s.PutStatuses(t.Context(), c.ID, limited(store.Puts(owned(0, "b"), status(kindExtension, "hub", "1", "a")), 0, 3))
	wantLimitError(t, err, &store.StatusLimitError{Limit: 3, Count: 4})
	wantStatuses(t, s, c.ID, owned(0, "a"), owned(1, "a"), owned(2, "a"))
	// Over a lowered bound, a cluster may still update and shrink.
	putStatuses(t, s, c.ID, limited(store.Puts(owned(0, "b")), 2, 2))
	putStatuses(t, s, c.ID, limited(store.StatusUpdate{Writes: []store.StatusWrite{{Status: owned(1, "a"), Remove: true}, {Status: owned(3, "a")}}}, 3, 3))
	wantStatuses(t, s, c.ID, owned(0, "b"), owned(2, "a"), owned(3, "a"))
}

// testStatusLimitsUnderConcurrency: concurrent updates of one cluster, each within the
// bound alone, never together leave it over the bound: the count is the transaction's.
func testStatusLimitsUnderConcurrency(t *testing.T, s store.Store) {
	c := newCluster("sub", "rg", "c")
	put(t, s, c)
	const writers, limit = 16, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			u := store.Puts(status(kindExtension, fmt.Sprint("local-", i), "", "Installed"))
			u.MaxClusterOwned = limit
			var limitErr *store.StatusLimitError
			if err := s.PutStatuses(t.Context(), c.ID, u); err != nil && !errors.As(err, &limitErr) {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("PutStatuses = %v", err)
	}
	if got, err := s.ListStatuses(t.Context(), c.ID); err != nil || len(got) != limit {
		t.Errorf("after %d concurrent reports of one object each: %d statuses, %v; want the limit, %d", writers, len(got), err, limit)
	}
}

// putStatuses applies u and fails the test on an error.
func putStatuses(t *testing.T, s store.Store, clusterID string, u store.StatusUpdate) {
	t.Helper()
	if err := s.PutStatuses(t.Context(), clusterID, u); err != nil {
		t.Fatalf("PutStatuses(%s) = %v", clusterID, err)
	}
}

// wantStatuses checks a cluster's stored statuses, ordered by kind and name.
func wantStatuses(t *testing.T, s store.Store, clusterID string, want ...protocol.ObjectStatus) {
	t.Helper()
	got, err := s.ListStatuses(t.Context(), clusterID)
	if err != nil || !slices.EqualFunc(got, want, sameStatus) {
		t.Errorf("ListStatuses = %+v, %v; want %+v", got, err, want)
	}
}

// wantLimitError checks that err is the *store.StatusLimitError want.
func wantLimitError(t *testing.T, err error, want *store.StatusLimitError) {
	t.Helper()
	var got *store.StatusLimitError
	if !errors.As(err, &got) || *got != *want {
		t.Errorf("PutStatuses = %v; want %+v", err, want)
	}
}
