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

package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// BenchmarkResync is the start-up resync of 1,000 clusters of one subscription with 20
// assignments each, when nothing needs repair: one op reads every cluster's desired state and
// compares it with the assignments, resolved once (docs/benchmarks.md, "Policy"). The setup
// logs how long the first assignment took, which adds Gatekeeper to every cluster, and a
// second one.
func BenchmarkResync(b *testing.B) {
	const clusters, assignments = 1000, 20
	f := newFixture(b)
	res := make([]*store.Resource, 0, clusters)
	for i := range clusters {
		res = append(res, f.cluster(fmt.Sprintf("c%04d", i)))
	}
	for i := range assignments {
		start := time.Now()
		if _, err := f.svc.PutAssignment(b.Context(), Request{Scope: Scope{Subscription: testSub}, Name: fmt.Sprintf("a%02d", i), By: "bench"},
			decodeString(noPrivilegeInput)); err != nil {
			b.Fatal(err)
		}
		if i < 2 {
			b.Logf("assignment %d to %d clusters: %s", i+1, clusters, time.Since(start).Round(time.Millisecond))
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if fixed, err := f.svc.Resync(b.Context(), res); err != nil || fixed != 0 {
			b.Fatalf("Resync = %d, %v", fixed, err)
		}
	}
}
