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
	"fmt"
	"sync"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

// testMeta: the first value recorded under a name stays; later ones get it back, names are
// independent.
func testMeta(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, c := range []struct{ name, value, want string }{
		{"data-key", "first", "first"},
		{"data-key", "second", "first"},
		{"other", "x", "x"},
	} {
		if got, err := s.InitMeta(ctx, c.name, c.value); err != nil || got != c.want {
			t.Errorf("InitMeta(%s, %s) = %q, %v; want %q", c.name, c.value, got, err, c.want)
		}
	}
}

// testMetaRace: replicas starting at once on an empty store all get the one value recorded.
func testMetaRace(t *testing.T, s store.Store) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	held := map[string]bool{}
	for i := range 8 {
		wg.Go(func() {
			got, err := s.InitMeta(t.Context(), "race", fmt.Sprint("replica-", i))
			if err != nil {
				t.Errorf("InitMeta by replica %d = %v", i, err)
				return
			}
			mu.Lock()
			held[got] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(held) != 1 {
		t.Errorf("replicas starting at once got %d values back, %v; want one", len(held), held)
	}
}
