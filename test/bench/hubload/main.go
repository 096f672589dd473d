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
	"strings"
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
	store       string
	replicas    int
	killAfter   time.Duration
	generators  int
	child       bool
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
	flag.BoolVar(&o.cfg.Tunnels, "tunnels", true, "every agent holds its cluster-connect tunnel open, as real agents do by default")
	flag.StringVar(&o.store, "store", "", "--store of the started hubs: empty for SQLite in the data directory, or a postgres:// DSN (hack/postgres.sh start prints one)")
	flag.IntVar(&o.replicas, "replicas", 1, "hub replicas to start behind HAProxy (hack/haproxy.sh); more than 1 needs --store postgres://…")
	flag.DurationVar(&o.killAfter, "kill-after", 0, "with --replicas: SIGKILL replica hub-0 this long into the measurement window and time its agents' reconnection")
	flag.StringVar(&o.jsonPath, "json", "", "also write the report as JSON to this file")
	flag.StringVar(&o.csvPath, "heartbeats-csv", "", "also write every measured heartbeat (start, round trip) as CSV to this file")
	flag.IntVar(&o.generators, "generators", 0, "generator processes the agents are split over (0: as many as the open-file limit needs)")
	flag.BoolVar(&o.child, childFlag, false, "run as one of several generator processes of a run (hubload starts them itself)")
	flag.Parse()
	if o.child {
		o.attachToken = os.Getenv(tokenEnv)
	}
	return o
}

// main runs the benchmark: exit code 0 for a valid run, 1 when it could not run, 2 when the
// run is invalid (errors or closed watch streams).
func main() {
	o := parseFlags()
	os.Exit(loadgen.ExitCode("hubload", func(ctx context.Context) (bool, error) { return run(ctx, o) }))
}

func run(ctx context.Context, o options) (bool, error) {
	o.cfg.Progress = os.Stderr
	limit, err := loadgen.RaiseFileLimit()
	if err != nil {
		return false, err
	}
	if o.child {
		return runChild(ctx, o)
	}
	if o.generators == 0 {
		o.generators = generatorsNeeded(o.cfg.Agents, limit)
	}
	if err := checkRun(o, limit); err != nil {
		return false, err
	}
	hub, f, cleanup, err := openHub(ctx, o)
	if err != nil {
		return false, err
	}
	if f != nil && o.killAfter > 0 {
		o.cfg.Disrupt, o.cfg.DisruptAfter = f.kill, o.killAfter
	}
	report, runErr := runGenerators(ctx, o, hub)
	var replicaLines []string
	if f != nil {
		replicaLines = f.usage()
	}
	if err := cleanup(); err != nil {
		fmt.Fprintln(os.Stderr, "hubload:", err)
	}
	if runErr != nil {
		return false, runErr
	}
	fmt.Printf("\nhubload %s, open-file limit %d, store %s, %d replica(s), %d generator process(es)\n",
		time.Now().UTC().Format(time.RFC3339), limit, storeName(o.store), o.replicas, o.generators)
	report.Print(os.Stdout)
	for _, line := range replicaLines {
		fmt.Println(line)
	}
	return report.Valid(), writeFiles(o, report)
}

// writeFiles writes the --json report and the --heartbeats-csv, when asked for.
func writeFiles(o options, report *loadgen.Report) error {
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, report); err != nil {
			return err
		}
	}
	if o.csvPath != "" {
		return writeCSV(o.csvPath, report)
	}
	return nil
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

// oneAddressFleet lifts the hub's per-address cap of connections not yet authenticated (64)
// to its global one (512): every simulated agent connects from the generator's address (and,
// with --replicas, every connection comes from HAProxy's), where a real fleet has many.
var oneAddressFleet = []string{"--max-unauthenticated-conns-per-ip", "512"}

// checkRun refuses a run this machine cannot carry, or whose flags do not go together.
func checkRun(o options, limit uint64) error {
	if need := uint64(o.cfg.Agents/o.generators) + filesBesidesAgents; limit < need {
		return fmt.Errorf("the open-file limit is %d; %d agents per generator need about %d (raise the hard limit, ulimit -Hn, or give more --generators)",
			limit, o.cfg.Agents/o.generators, need)
	}
	if ports, err := localPorts(); err == nil && o.cfg.Agents+filesBesidesAgents > ports {
		return fmt.Errorf("the ephemeral port range allows %d connections from one address to the hub's, and every agent connects from 127.0.0.1: "+
			"widen it for %d agents, e.g. sysctl -w net.ipv4.ip_local_port_range=\"1024 65000\"", ports, o.cfg.Agents)
	}
	if o.killAfter > 0 && o.replicas < 2 {
		return errors.New("--kill-after needs --replicas 2 or more: the agents of the killed replica reconnect to the others")
	}
	return nil
}

// localPorts is the size of the kernel's ephemeral port range: how many connections one
// address can open to one address and port.
func localPorts() (int, error) {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, err
	}
	var lo, hi int
	if _, err := fmt.Sscan(string(data), &lo, &hi); err != nil {
		return 0, fmt.Errorf("parsing the ephemeral port range %q: %w", data, err)
	}
	return hi - lo + 1, nil
}

// storeName names the store without the DSN's details (which may hold a password).
func storeName(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return "PostgreSQL"
	}
	return "SQLite"
}

// openHub attaches to --hub, starts a fleet of --replicas, or starts a hub, and returns how
// to let it go; the fleet is nil unless started.
func openHub(ctx context.Context, o options) (*loadgen.Hub, *fleet, func() error, error) {
	if o.attachURL != "" {
		if o.attachToken == "" || o.attachCA == "" {
			return nil, nil, nil, errors.New("--hub needs --token and --ca")
		}
		h, err := loadgen.AttachHub(o.attachURL, o.attachToken, o.attachCA, o.attachPID)
		return h, nil, func() error { return nil }, err
	}
	dir, removeDir, err := dataDir(o)
	if err != nil {
		return nil, nil, nil, err
	}
	if o.replicas > 1 {
		f, err := startFleet(ctx, o, dir)
		if err != nil {
			removeDir()
			return nil, nil, nil, err
		}
		return f.front, f, func() error {
			defer removeDir()
			return f.stop()
		}, nil
	}
	h, err := loadgen.StartHub(ctx, loadgen.HubProcess{Binary: o.binary, DataDir: dir, FlushInterval: o.flush, LogLevel: o.hubLogLevel, Store: o.store, ExtraArgs: oneAddressFleet})
	if err != nil {
		removeDir()
		return nil, nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "Started %s (pid %s) at %s, data in %s\n", o.binary, h.PID, h.URL, dir)
	return h, nil, func() error {
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
