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
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// writers is how many goroutines write at once in testConcurrentWriters.
const writers = 20

func testConcurrentWriters(t *testing.T, s store.Store) {
	shared := newCluster("sub", "rg", "shared")
	put(t, s, shared, profile(shared.ID, "1.0.0"))
	start := state(t, s, shared.ID).ResourceVersion
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if err := writeAndRead(t.Context(), s, shared, i); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	counts := map[string]func() (int, error){
		"resources": func() (int, error) { l, err := s.ListResources(t.Context(), store.ListQuery{}); return len(l), err },
		"runtimes":  func() (int, error) { l, err := s.ListRuntimes(t.Context()); return len(l), err },
		"statuses":  func() (int, error) { l, err := s.ListStatuses(t.Context(), shared.ID); return len(l), err },
		"tokens":    func() (int, error) { l, err := s.ListTokens(t.Context()); return len(l), err },
	}
	want := map[string]int{"resources": 1 + 2*writers, "runtimes": 1 + writers, "statuses": writers, "tokens": writers}
	for what, count := range counts {
		if n, err := count(); err != nil || n != want[what] {
			t.Errorf("%s after %d concurrent writers = %d, %v; want %d", what, writers, n, err, want[what])
		}
	}
	changes, _, err := s.DesiredChanges(t.Context(), shared.ID, start)
	if err != nil || len(changes) != writers {
		t.Fatalf("DesiredChanges of the shared cluster = %d changes, %v; want %d", len(changes), err, writers)
	}
	seen := map[string]bool{}
	for i, c := range changes {
		seen[c.Object.Name] = true
		if c.Type != protocol.Added || (i > 0 && rvNum(t, c.Object.ResourceVersion) <= rvNum(t, changes[i-1].Object.ResourceVersion)) {
			t.Errorf("change %d = %s, want ADDED with a resourceVersion above the one before", i, eventsAt(changes[i:i+1]))
		}
	}
	if len(seen) != writers {
		t.Errorf("DesiredChanges named %d objects, want %d", len(seen), writers)
	}
}

// writeAndRead is one writer of testConcurrentWriters: it uses every kind of write and
// some reads. It returns errors rather than failing, as it runs in its own goroutine.
func writeAndRead(ctx context.Context, s store.Store, shared *store.Resource, i int) error {
	c := newCluster("sub", "rg", fmt.Sprintf("c%02d", i))
	name := fmt.Sprintf("ext%02d", i)
	ext := newExtension(shared, name)
	if _, err := s.PutResource(ctx, c, store.IfAbsent(), profile(c.ID, "1.0.0")); err != nil {
		return err
	}
	if _, err := s.PutResource(ctx, ext, store.IfAbsent(), extensionObject(shared.ID, name, false)); err != nil {
		return err
	}
	now := time.Now()
	if err := s.PutRuntimes(ctx, []store.Runtime{{ClusterID: c.ID, LastHeartbeat: now}, {ClusterID: shared.ID, LastHeartbeat: now}}); err != nil {
		return err
	}
	status := protocol.ObjectStatus{Kind: kindExtension, Name: name, Status: json.RawMessage(`{"phase":"Installed"}`)}
	if err := s.PutStatuses(ctx, shared.ID, store.Puts(status)); err != nil {
		return err
	}
	if err := s.CreateToken(ctx, newToken(fmt.Sprintf("t%02d", i), now, time.Time{})); err != nil {
		return err
	}
	if _, err := s.GetResource(ctx, c.ID); err != nil {
		return err
	}
	if _, err := s.ListResources(ctx, store.ListQuery{ParentID: shared.ID}); err != nil {
		return err
	}
	_, _, err := s.DesiredChanges(ctx, shared.ID, "0")
	return err
}
