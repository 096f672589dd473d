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

// Command logload is the agent-log benchmark, against a real `kubearc-hub serve` started as a
// child process. Scenario "shipper" runs the agent's own log shipping (internal/agentlog's
// core, ring and Shipper with a registered pkg/agentclient client) under a writer logging a
// fixed rate of structured lines through zap, and reports lines lost, the memory it added and
// the hub's CPU. Scenario "ingest" registers many simulated agents that each send a batch of
// log lines at a fixed interval, and reports the hub's CPU and memory and the batch latency.
// It is a benchmark, not a test: it exits non-zero only when a run is invalid (errors, lost
// lines). See docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubearc/kubearc/test/bench/loadgen"
)

type options struct {
	scenario string
	binary   string
	duration time.Duration
	// shipper
	rate        int
	bufferLines int
	bufferBytes int
	// ingest
	clusters         int
	clusterRate      int
	interval         time.Duration
	warmup           time.Duration
	setupConcurrency int
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.scenario, "scenario", "shipper", `"shipper" (one agent's log shipping) or "ingest" (many agents' batches)`)
	flag.StringVar(&o.binary, "hub-binary", "bin/kubearc-hub", "kubearc-hub executable to start")
	flag.DurationVar(&o.duration, "duration", time.Minute, "how long lines are written (shipper) or measured (ingest)")
	flag.IntVar(&o.rate, "rate", 1000, "shipper: lines logged per second")
	flag.IntVar(&o.bufferLines, "buffer-lines", 10000, "shipper: lines the ring holds (the agent's --log-buffer-lines default)")
	flag.IntVar(&o.bufferBytes, "buffer-bytes", 4<<20, "shipper: bytes the ring holds (the agent's --log-buffer-bytes default)")
	flag.IntVar(&o.clusters, "clusters", 1000, "ingest: simulated agents (and connectedClusters)")
	flag.IntVar(&o.clusterRate, "cluster-rate", 10, "ingest: lines per second of each agent")
	flag.DurationVar(&o.interval, "interval", 2*time.Second, "ingest: each agent's batch interval (the Shipper's default)")
	flag.DurationVar(&o.warmup, "warmup", 10*time.Second, "ingest: full load before the measurement window")
	flag.IntVar(&o.setupConcurrency, "setup-concurrency", 16, "ingest: concurrent cluster creations and registrations")
	flag.Parse()
	return o
}

// main runs the benchmark: exit code 0 for a valid run, 1 when it could not run, 2 when the
// run is invalid.
func main() {
	o := parseFlags()
	os.Exit(loadgen.ExitCode("logload", func(ctx context.Context) (bool, error) { return run(ctx, o) }))
}

func run(ctx context.Context, o options) (bool, error) {
	if _, err := loadgen.RaiseFileLimit(); err != nil {
		return false, err
	}
	dir, err := os.MkdirTemp("", "logload-")
	if err != nil {
		return false, fmt.Errorf("creating the data directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	h, err := loadgen.StartHub(ctx, loadgen.HubProcess{Binary: o.binary, DataDir: dir, FlushInterval: 10 * time.Second, LogLevel: "warn"})
	if err != nil {
		return false, err
	}
	defer func() {
		if err := h.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "logload:", err)
		}
		showLog(h.LogPath)
	}()
	progress("Started %s (pid %s) at %s", o.binary, h.PID, h.URL)
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return false, fmt.Errorf("reading the hub CA: %w", err)
	}
	env := &env{hub: h, admin: loadgen.NewAdmin(h), caPEM: caPEM, group: "logload-" + time.Now().UTC().Format("20060102-150405")}
	defer env.admin.Close()
	switch o.scenario {
	case "shipper":
		return runShipper(ctx, env, o)
	case "ingest":
		return runIngest(ctx, env, o)
	}
	return false, fmt.Errorf("unknown --scenario %q: use shipper or ingest", o.scenario)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// showLog prints the end of the hub's log, if it logged anything at all (at warn or above).
func showLog(path string) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	fmt.Fprintf(os.Stderr, "The hub logged %d lines; the last ones:\n", len(lines))
	for _, line := range lines[max(len(lines)-10, 0):] {
		fmt.Fprintln(os.Stderr, "  "+line)
	}
}
