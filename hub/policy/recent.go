// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// recentClusters are the clusters written lately. A cluster and an assignment written at the
// same moment may each miss the other (neither transaction sees the other's resource), so the
// resync looks at every cluster written since its last two passes.
type recentClusters struct {
	mu sync.Mutex
	// current were written since the last pass; previous before it. Keys are lower case.
	current, previous map[string]string
}

func newRecentClusters() *recentClusters {
	return &recentClusters{current: map[string]string{}, previous: map[string]string{}}
}

// add records that the cluster id was written.
func (r *recentClusters) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.current[strings.ToLower(id)] = id
}

// take returns the clusters written since the pass before the last one, and starts a pass.
func (r *recentClusters) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := maps.Clone(r.previous)
	maps.Copy(ids, r.current)
	r.previous, r.current = r.current, map[string]string{}
	return slices.Sorted(maps.Values(ids))
}
