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
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// BenchmarkPutRuntimes writes to s, an empty store, a heartbeat batch of 1000 clusters, as the
// hub's write-behind does; each store runs it, for docs/benchmarks.md.
func BenchmarkPutRuntimes(b *testing.B, s store.Store) {
	const batch = 1000
	runtimes := make([]store.Runtime, batch)
	for i := range runtimes {
		id := fmt.Sprintf("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c%04d", i)
		if _, err := s.PutResource(b.Context(), &store.Resource{ID: id, Type: "Microsoft.Kubernetes/connectedClusters",
			Subscription: "sub", ResourceGroup: "rg", Body: []byte(`{}`)}, store.IfAbsent()); err != nil {
			b.Fatal(err)
		}
		runtimes[i] = store.Runtime{ClusterID: id, CertificateNotAfter: time.Now().Add(24 * time.Hour),
			Heartbeat: protocol.Heartbeat{KubernetesVersion: "v1.33.1", NodeCount: 3, CoreCount: 12, AgentVersion: "0.1.0"}}
	}
	for b.Loop() {
		now := time.Now()
		for i := range runtimes {
			runtimes[i].LastHeartbeat = now
		}
		if err := s.PutRuntimes(b.Context(), runtimes); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/runtime")
}
