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

// Command hubload is the hub capacity benchmark: it simulates N agents against a real
// `kubearc-hub serve` (started as a child process, or already running) and reports heartbeat
// throughput and latency, propagation latency, open watch streams and the hub's CPU and
// memory. It is a benchmark, not a test: it never judges the numbers. It exits non-zero only
// when the run is invalid (errors, closed watch streams). See docs/benchmarks.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kubearc/kubearc/test/bench/loadgen"
)

type options struct {
	cfg         loadgen.Config
	binary      string
	dataDir     string
	keepData    bool
	flush       time.Duration
	hubLogLevel string
	attachURL   string
	attachToken string
	attachCA    string
	attachPID   string
	jsonPath    string
	csvPath     string
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.cfg.Agents, "agents", 1000, "number of simulated agents (and connectedClusters)")
	flag.DurationVar(&o.cfg.Interval, "interval", 30*time.Second, "heartbeat interval of each agent")
	flag.DurationVar(&o.cfg.Warmup, "warmup", 30*time.Second, "full load before the measurement window")
	flag.DurationVar(&o.cfg.Duration, "duration", 2*time.Minute, "measurement window")
	flag.IntVar(&o.cfg.SetupConcurrency, "setup-concurrency", 16, "concurrent cluster creations and registrations")
	flag.IntVar(&o.cfg.ConnectConcurrency, "connect-concurrency", 64, "agents opening their connection and watch at once")
	flag.IntVar(&o.cfg.PropagationSamples, "propagation-samples", 20, "desired-state changes timed to the agent, one at a time")
	flag.DurationVar(&o.cfg.RequestTimeout, "request-timeout", 10*time.Second, "timeout of each heartbeat")
	flag.StringVar(&o.binary, "hub-binary", "bin/kubearc-hub", "kubearc-hub executable to start")
	flag.StringVar(&o.dataDir, "data-dir", "", "data directory of the started hub (default: a new temporary directory)")
	flag.BoolVar(&o.keepData, "keep-data", false, "keep the started hub's data directory (and its hub.log)")
	flag.DurationVar(&o.flush, "heartbeat-flush-interval", 10*time.Second, "--heartbeat-flush-interval of the started hub")
	flag.StringVar(&o.hubLogLevel, "hub-log-level", "warn", "--log-level of the started hub")
	flag.StringVar(&o.attachURL, "hub", "", "base URL of a running hub to load instead of starting one, e.g. https://127.0.0.1:8443")
	flag.StringVar(&o.attachToken, "token", "", "with --hub: a bearer token that may create connectedClusters")
	flag.StringVar(&o.attachCA, "ca", "", "with --hub: the hub CA certificate (ca.crt of its data directory)")
	flag.StringVar(&o.attachPID, "hub-pid", "", "with --hub: the hub's process ID, for CPU and memory readings")
	flag.StringVar(&o.jsonPath, "json", "", "also write the report as JSON to this file")
	flag.StringVar(&o.csvPath, "heartbeats-csv", "", "also write every measured heartbeat (start, round trip) as CSV to this file")
	flag.Parse()
	return o
}

func main() { os.Exit(exitCode(parseFlags())) }

// exitCode runs the benchmark: 0 for a valid run, 1 when it could not run, 2 when the run is
// invalid (errors or closed watch streams).
func exitCode(o options) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	valid, err := run(ctx, o)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "hubload:", err)
		return 1
	case !valid:
		return 2
	default:
		return 0
	}
}

func run(ctx context.Context, o options) (bool, error) {
	o.cfg.Progress = os.Stderr
	limit, err := loadgen.RaiseFileLimit()
	if err != nil {
		return false, err
	}
	if need := uint64(o.cfg.Agents) + 1024; limit < need {
		return false, fmt.Errorf("the open-file limit is %d; %d agents need about %d (raise the hard limit: ulimit -Hn)", limit, o.cfg.Agents, need)
	}
	hub, cleanup, err := openHub(ctx, o)
	if err != nil {
		return false, err
	}
	report, runErr := loadgen.Run(ctx, hub, o.cfg)
	if err := cleanup(); err != nil {
		fmt.Fprintln(os.Stderr, "hubload:", err)
	}
	if runErr != nil {
		return false, runErr
	}
	fmt.Printf("\nhubload %s, open-file limit %d\n", time.Now().UTC().Format(time.RFC3339), limit)
	report.Print(os.Stdout)
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, report); err != nil {
			return false, err
		}
	}
	if o.csvPath != "" {
		if err := writeCSV(o.csvPath, report); err != nil {
			return false, err
		}
	}
	return report.Valid(), nil
}

func writeCSV(path string, report *loadgen.Report) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the heartbeat CSV: %w", err)
	}
	defer func() {
		if closeErr := f.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("closing the heartbeat CSV: %w", closeErr)
		}
	}()
	return report.WriteHeartbeatsCSV(f)
}

// openHub attaches to --hub or starts a hub, and returns how to let it go.
func openHub(ctx context.Context, o options) (*loadgen.Hub, func() error, error) {
	if o.attachURL != "" {
		if o.attachToken == "" || o.attachCA == "" {
			return nil, nil, errors.New("--hub needs --token and --ca")
		}
		h, err := loadgen.AttachHub(o.attachURL, o.attachToken, o.attachCA, o.attachPID)
		return h, func() error { return nil }, err
	}
	dir, removeDir, err := dataDir(o)
	if err != nil {
		return nil, nil, err
	}
	h, err := loadgen.StartHub(ctx, loadgen.HubProcess{Binary: o.binary, DataDir: dir, FlushInterval: o.flush, LogLevel: o.hubLogLevel})
	if err != nil {
		removeDir()
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "Started %s (pid %s) at %s, data in %s\n", o.binary, h.PID, h.URL, dir)
	return h, func() error {
		defer removeDir()
		err := h.Stop()
		showLog(h.LogPath)
		if err != nil {
			return fmt.Errorf("%w (hub log: %s)", err, h.LogPath)
		}
		return nil
	}, nil
}

// showLog prints the end of the started hub's log, if it logged anything at all.
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

// dataDir returns the started hub's data directory and how to clean it up.
func dataDir(o options) (string, func(), error) {
	if o.dataDir != "" {
		if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
			return "", nil, fmt.Errorf("creating the data directory: %w", err)
		}
		return o.dataDir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "hubload-")
	if err != nil {
		return "", nil, fmt.Errorf("creating the data directory: %w", err)
	}
	if o.keepData {
		return dir, func() {}, nil
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}

func writeJSON(path string, report *loadgen.Report) error {
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
