//go:build e2e

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

package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// BenchmarkExtensionCreateToDeployed measures, per iteration, the time from starting
// `arcctl k8s-extension create --no-wait` to the Helm release being recorded as deployed in
// the cluster (its release Secret labelled status=deployed), and reports p50 and p99.
// Run: make build && go test -tags e2e ./test/e2e -run '^$' -bench ExtensionCreateToDeployed -benchtime 30x
func BenchmarkExtensionCreateToDeployed(b *testing.B) {
	e := newEnv(b)
	e.serveDemoCatalog()
	e.up()
	cfg, err := clientcmd.BuildConfigFromFlags("", e.kube)
	if err != nil {
		b.Fatal(err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("bench-%d", i)
		start := time.Now()
		e.arcctl("k8s-extension", "create", "-c", cluster, "-g", group, "-n", name, "--extension-type", demoType,
			"--scope", "cluster", "--release-namespace", "demo", "--no-wait")
		if err := waitDeployed(b.Context(), cs, "demo", name); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		e.arcctl("k8s-extension", "delete", "-c", cluster, "-g", group, "-n", name, "--yes", "--no-wait")
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(ms(percentile(took, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(took, 99)), "p99-ms")
	b.Logf("create → deployed over %d runs: p50 %v, p99 %v, min %v, max %v", len(took),
		percentile(took, 50), percentile(took, 99), took[0], took[len(took)-1])
}

// waitDeployed watches for the release Secret Helm writes once release name is deployed.
func waitDeployed(ctx context.Context, cs kubernetes.Interface, namespace, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	selector := "owner=helm,status=deployed,name=" + name
	list, err := cs.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return err
	}
	if len(list.Items) > 0 {
		return nil
	}
	w, err := cs.CoreV1().Secrets(namespace).Watch(ctx, metav1.ListOptions{LabelSelector: selector, ResourceVersion: list.ResourceVersion})
	if err != nil {
		return err
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if _, ok := ev.Object.(*corev1.Secret); ok && (ev.Type == watch.Added || ev.Type == watch.Modified) {
			return nil
		}
	}
	return fmt.Errorf("release %s/%s was not deployed: %w", namespace, name, ctx.Err())
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank-1, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
