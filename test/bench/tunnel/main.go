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

// Command tunnel measures what cluster connect costs: the latency of a small GET and the
// throughput of a large LIST, through the hub's proxy endpoint and the agent's tunnel versus
// directly against the same API server, in the same run and interleaved (direct, tunnel,
// direct, …) so that both see the same machine load. It runs envtest's kube-apiserver
// (bin/k8s, make envtest), a hub (hub/hubtest, in-process, HTTPS) and the agent's tunnel
// (internal/tunnel, in-process). docs/benchmarks.md describes it and keeps results.
//
//	go run ./test/bench/tunnel [--gets 1000] [--lists 20] [--objects 100] [--object-kib 100]
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
)

type options struct {
	gets, lists, objects, objectKiB int
	cpuProfile                      string
}

func main() {
	var o options
	flag.IntVar(&o.gets, "gets", 1000, "small GETs per path (after 100 of warm-up)")
	flag.IntVar(&o.lists, "lists", 20, "large LISTs per path (after 2 of warm-up)")
	flag.IntVar(&o.objects, "objects", 100, "ConfigMaps in the large LIST")
	flag.IntVar(&o.objectKiB, "object-kib", 100, "size of each ConfigMap's data, KiB")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured part to this file")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "tunnel benchmark:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	env, cfg, err := tunneltest.StartAPIServer()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	setup, err := startTunnel(ctx, cfg)
	if err != nil {
		return err
	}
	defer setup.stop()
	if err := createObjects(ctx, cfg, o); err != nil {
		return err
	}
	direct, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	tunneled, err := rest.HTTPClientFor(setup.userConfig)
	if err != nil {
		return err
	}
	if o.cpuProfile != "" {
		stop, err := startProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	hop, err := startOneHop(cfg)
	if err != nil {
		return err
	}
	defer hop.stop()
	paths := []target{{"direct", direct, strings.TrimSuffix(cfg.Host, "/")}, {"tunnel", tunneled, setup.userConfig.Host}, hop.target}
	get, err := measure(ctx, paths, 100, o.gets, "/api/v1/namespaces/"+benchNamespace+"/configmaps/small")
	if err != nil {
		return err
	}
	list, err := measure(ctx, paths, 2, o.lists, "/api/v1/namespaces/"+benchNamespace+"/configmaps?labelSelector=set%3Dbig")
	if err != nil {
		return err
	}
	report(paths, get, list)
	impersonating := rest.CopyConfig(cfg)
	impersonating.Impersonate = rest.ImpersonationConfig{UserName: "kubearc:token:bench", Groups: []string{"kubearc:users", "kubearc:role:reader"}}
	imp, err := rest.HTTPClientFor(impersonating)
	if err != nil {
		return err
	}
	if err := breakdown(ctx, target{"direct, impersonating", imp, paths[0].base}, o.gets, http.StatusOK,
		"the API server's part: direct, with the impersonation the agent adds"); err != nil {
		return err
	}
	idle := strings.Replace(setup.userConfig.Host, "/connectedClusters/"+cluster.Name, "/connectedClusters/"+idleCluster, 1)
	return breakdown(ctx, target{"hub only", tunneled, idle}, o.gets, http.StatusServiceUnavailable,
		"the hub's part: TLS, token, role, cluster lookup; 503 for a cluster without a tunnel")
}

// breakdown times n small GETs on one path that answer want, to show where the tunnel's
// latency goes.
func breakdown(ctx context.Context, tg target, n, want int, title string) error {
	var d []time.Duration
	for i := range n + 100 {
		took, _, status, err := fetch(ctx, tg, "/api/v1/namespaces/"+benchNamespace+"/configmaps/small")
		if err == nil && status != want {
			err = fmt.Errorf("status %d, want %d", status, want)
		}
		if err != nil {
			return fmt.Errorf("%s GET: %w", tg.name, err)
		}
		if i >= 100 {
			d = append(d, took)
		}
	}
	slices.Sort(d)
	fmt.Printf("%s:\n", title)
	fmt.Printf("  p50 %8s  p90 %8s  p99 %8s  mean %8s\n", pct(d, 50), pct(d, 90), pct(d, 99), mean(d))
	return nil
}

const benchNamespace = "bench"

// createObjects creates one small ConfigMap and o.objects big ones.
func createObjects(ctx context.Context, cfg *rest.Config, o options) error {
	cs := kubernetes.NewForConfigOrDie(cfg)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: benchNamespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	cms := cs.CoreV1().ConfigMaps(benchNamespace)
	if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "small"}, Data: map[string]string{"k": "v"}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	for i := range o.objects {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("big-%04d", i), Labels: map[string]string{"set": "big"}},
			Data: map[string]string{"data": randomText(o.objectKiB << 10)}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// target is one way to the API server.
type target struct {
	name   string
	client *http.Client
	base   string
}

// samples are the durations and body sizes of one path's requests.
type samples struct {
	durations []time.Duration
	bytes     int64
}

// measure sends warm+n GETs of path on both targets, interleaved, and keeps the last n.
func measure(ctx context.Context, targets []target, warm, n int, path string) ([]samples, error) {
	out := make([]samples, len(targets))
	for i := range warm + n {
		for t, tg := range targets {
			d, size, status, err := fetch(ctx, tg, path)
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("status %d", status)
			}
			if err != nil {
				return out, fmt.Errorf("%s GET %s: %w", tg.name, path, err)
			}
			if i >= warm {
				out[t].durations = append(out[t].durations, d)
				out[t].bytes += size
			}
		}
	}
	return out, nil
}

// fetch times one GET to its last body byte.
func fetch(ctx context.Context, tg target, path string) (time.Duration, int64, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tg.base+path, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	req.Header.Set("Accept", "application/json")
	// Measure the bytes the paths carry, not gzip: the API server compresses large answers
	// for clients that accept it.
	req.Header.Set("Accept-Encoding", "identity")
	start := time.Now()
	resp, err := tg.client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	size, err := io.Copy(io.Discard, resp.Body)
	return time.Since(start), size, resp.StatusCode, err
}

func report(paths []target, get, list []samples) {
	fmt.Printf("small GET (%d each), latency to the last byte:\n", len(get[0].durations))
	for i, tg := range paths {
		slices.Sort(get[i].durations)
		s := get[i].durations
		fmt.Printf("  %-7s p50 %8s  p90 %8s  p99 %8s  mean %8s\n", tg.name, pct(s, 50), pct(s, 90), pct(s, 99), mean(s))
	}
	for i, tg := range paths[1:] {
		fmt.Printf("  %s/direct: p50 %+.0f%%  mean %+.0f%%\n", tg.name, 100*(ratio(pct(get[i+1].durations, 50), pct(get[0].durations, 50))-1),
			100*(ratio(mean(get[i+1].durations), mean(get[0].durations))-1))
	}
	fmt.Printf("large LIST (%d each, %.1f MB per list), throughput:\n", len(list[0].durations),
		float64(list[0].bytes)/float64(len(list[0].durations))/1e6)
	mbps := make([]float64, len(paths))
	for i, tg := range paths {
		var total time.Duration
		for _, d := range list[i].durations {
			total += d
		}
		mbps[i] = float64(list[i].bytes) / total.Seconds() / 1e6
		slices.Sort(list[i].durations)
		fmt.Printf("  %-7s %7.1f MB/s  (p50 list %8s)\n", tg.name, mbps[i], pct(list[i].durations, 50))
	}
	for i, tg := range paths[1:] {
		fmt.Printf("  %s/direct: %.0f%%\n", tg.name, 100*mbps[i+1]/mbps[0])
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[(len(sorted)-1)*p/100].Round(time.Microsecond)
}

func mean(s []time.Duration) time.Duration {
	var total time.Duration
	for _, d := range s {
		total += d
	}
	return (total / time.Duration(len(s))).Round(time.Microsecond)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// randomText is n bytes of random letters: the API server's answer cannot be compressed
// much, as with certificates, keys or binary data.
func randomText(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// startProfile writes a CPU profile to file until the returned function is called.
func startProfile(file string) (func(), error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}
