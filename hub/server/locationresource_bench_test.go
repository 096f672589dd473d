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

package server_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// BenchmarkLocationResourcePutToCR measures, per iteration, the time from an ARM PUT of a
// widget on a custom location to its Widget being readable in the cluster (applied through
// the tunnel as the custom-location identity), and reports p50 and p99.
// Run: go test ./hub/server -run '^$' -bench LocationResourcePutToCR -benchtime 100x
func BenchmarkLocationResourcePutToCR(b *testing.B) {
	w := newLocationWorld(b, true)
	var samples loadgen.Samples
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("bench-%d", i)
		start := time.Now()
		status, doc := w.arm(http.MethodPut, w.widgetPath("rg-b", name), w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "small"}))
		checkStatus(b, "PUT", status, http.StatusCreated, doc)
		if _, err := w.dyn.Resource(widgets).Namespace(w.namespace).Get(context.Background(), name, metav1.GetOptions{}); err != nil {
			b.Fatalf("the widget is not in the cluster after the PUT: %v", err)
		}
		samples.Add(start, time.Since(start))
	}
	b.StopTimer()
	s := samples.Summary()
	b.ReportMetric(float64(s.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(s.P99)/float64(time.Millisecond), "p99-ms")
	b.Logf("PUT → CR in the cluster: %s", s)
}
