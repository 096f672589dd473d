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
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

// testCompareAndSwapRaces runs read-modify-write increments of one counter in parallel,
// each retried on ErrConflict, and a delete racing conditional updates of another resource:
// no increment is lost and nothing deleted comes back.
func testCompareAndSwapRaces(t *testing.T, s store.Store) {
	counter := newCluster("sub", "rg", "counter")
	counter.Body = json.RawMessage(`{"n":0}`)
	put(t, s, counter)
	doomed := newCluster("sub", "rg", "doomed")
	put(t, s, doomed)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if err := increment(t.Context(), s, counter.ID); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
		wg.Go(func() {
			if err := touchUnlessGone(t.Context(), s, doomed.ID); err != nil {
				t.Errorf("updater %d: %v", i, err)
			}
		})
	}
	wg.Go(func() {
		if err := s.DeleteResource(t.Context(), doomed.ID, store.IfPresent()); err != nil {
			t.Errorf("DeleteResource = %v", err)
		}
	})
	wg.Wait()
	wantBody(t, s, counter.ID, fmt.Sprintf(`{"n":%d}`, writers))
	if _, err := s.GetResource(t.Context(), doomed.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a conditional update brought a deleted resource back: GetResource = %v", err)
	}
}

// increment adds one to the counter resource id, retrying when it loses a race.
func increment(ctx context.Context, s store.Store, id string) error {
	for {
		r, err := s.GetResource(ctx, id)
		if err != nil {
			return err
		}
		var doc struct{ N int }
		if err := json.Unmarshal(r.Body, &doc); err != nil {
			return err
		}
		r.Body = json.RawMessage(`{"n":` + strconv.Itoa(doc.N+1) + `}`)
		_, err = s.PutResource(ctx, r, store.IfVersion(r.Version))
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
}

// touchUnlessGone rewrites the resource id as read until it is deleted.
func touchUnlessGone(ctx context.Context, s store.Store, id string) error {
	for range 50 {
		r, err := s.GetResource(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.PutResource(ctx, r, store.IfVersion(r.Version))
		if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}
