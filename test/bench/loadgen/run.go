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

// Package loadgen simulates a fleet of kubearc agents against a real hub and measures what
// the hub sustains: heartbeat throughput and latency, watch streams, propagation of a change
// to an agent, and the hub's CPU and memory. test/bench/hubload is its command line.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Config tunes a load run.
type Config struct {
	// Agents is the number of simulated agents (and connectedClusters).
	Agents int
	// Interval is each agent's heartbeat interval.
	Interval time.Duration
	// Warmup runs the full load before measuring.
	Warmup time.Duration
	// Duration is the measurement window.
	Duration time.Duration
	// SetupConcurrency bounds concurrent cluster creations and registrations.
	SetupConcurrency int
	// ConnectConcurrency bounds agents opening their connection and watch at once.
	ConnectConcurrency int
	// PropagationSamples is the number of desired-state changes timed to the agent.
	PropagationSamples int
	// RequestTimeout bounds each heartbeat.
	RequestTimeout time.Duration
	// Tunnels makes every agent hold its cluster-connect tunnel open, as real agents do by
	// default.
	Tunnels bool
	// Disrupt, when set, is called DisruptAfter into the measurement window (e.g. to kill a
	// hub replica). Connections broken from then on are the expected failover: counted apart
	// from errors, and the time until each is open again is reported.
	Disrupt      func() error
	DisruptAfter time.Duration
	// Disrupted, when set, marks another process's disruption of the hub (the generator
	// that runs Disrupt) when it closes: the breaks from then on are failover here too.
	Disrupted <-chan struct{}
	// Ready, when set, is called once every agent is connected, and the warmup starts when it
	// returns: several generator processes of one run start together (shard.go).
	Ready func() error
	// KeepRaw puts the samples behind the summaries into the report's JSON (Report.Raw).
	KeepRaw bool
	// Progress receives progress lines and the first errors.
	Progress io.Writer
}

// Run sets up cfg.Agents clusters on the hub, connects their agents, runs the load through
// the warmup and the measurement window, and reports.
func Run(ctx context.Context, h *Hub, cfg Config) (*Report, error) {
	if cfg.Agents <= 0 || cfg.Interval <= 0 || cfg.Duration <= 0 {
		return nil, errors.New("agents, interval and duration must be positive")
	}
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	l, err := newLoad(cfg)
	if err != nil {
		return nil, err
	}
	adm := newAdmin(h)
	defer adm.client.CloseIdleConnections()
	progress(cfg.Progress, "Setting up %d clusters (%d at a time)", cfg.Agents, cfg.SetupConcurrency)
	start := time.Now()
	agents, err := setUp(ctx, h, adm, cfg)
	if err != nil {
		return nil, fmt.Errorf("setting up the clusters: %w", err)
	}
	r := &Report{Config: cfg.summary(), Setup: time.Since(start)}
	err = runLoad(ctx, h, adm, agents, l, cfg, r)
	if cfg.KeepRaw {
		r.keepRaw()
	}
	return r, err
}

// runLoad connects the agents, beats through warmup and window, and fills in r.
func runLoad(ctx context.Context, h *Hub, adm *admin, agents []*Agent, l *load, cfg Config, r *Report) error {
	agentCtx, stopAgents := context.WithCancel(ctx)
	var watchers sync.WaitGroup
	defer func() {
		stopAgents()
		watchers.Wait()
		for _, a := range agents {
			a.close()
		}
	}()
	progress(cfg.Progress, "Connecting %d agents (%d at a time): TLS, desired state, watch, tunnel %t", len(agents), cfg.ConnectConcurrency, cfg.Tunnels)
	r.Connect = connect(agentCtx, agents, l, cfg.ConnectConcurrency, &watchers, cfg.Progress)
	if cfg.Ready != nil {
		if err := cfg.Ready(); err != nil {
			return err
		}
	}
	stop := make(chan struct{})
	var beaters sync.WaitGroup
	for _, a := range agents {
		offset := rand.N(cfg.Interval) // spreads the beats evenly over the interval
		beaters.Go(func() { a.heartbeats(agentCtx, l, offset, stop) })
	}
	progress(cfg.Progress, "Warming up for %s", cfg.Warmup)
	if err := sleep(ctx, cfg.Warmup); err != nil {
		close(stop)
		beaters.Wait()
		return err
	}
	progress(cfg.Progress, "Measuring for %s", cfg.Duration)
	err := measure(ctx, h, adm, agents, l, cfg, r)
	close(stop)
	beaters.Wait()
	r.fillLoad(l)
	return err
}

// connect opens every agent's connection, watch stream and tunnel (if it holds one),
// concurrency at a time, and returns how long it took. The watches and tunnels keep running
// on watchers until ctx ends.
func connect(ctx context.Context, agents []*Agent, l *load, concurrency int, watchers *sync.WaitGroup, w io.Writer) time.Duration {
	start := time.Now()
	slots := make(chan struct{}, max(concurrency, 1))
	var ready sync.WaitGroup
	var done atomic.Int64
	for _, a := range agents {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			ready.Wait()
			return time.Since(start)
		}
		ready.Add(1)
		var parts sync.WaitGroup
		parts.Add(1)
		watchers.Go(func() { a.watch(ctx, l, func(error) { parts.Done() }) })
		if a.holdsTunnel {
			parts.Add(1)
			watchers.Go(func() { a.tunnel(ctx, l, parts.Done) })
		}
		go func() {
			parts.Wait()
			<-slots
			reportConnected(w, done.Add(1), len(agents))
			ready.Done()
		}()
	}
	ready.Wait()
	return time.Since(start)
}

func reportConnected(w io.Writer, done int64, n int) {
	if step := int64(max(n/10, 1)); done%step == 0 || done == int64(n) {
		_, _ = fmt.Fprintf(w, "  connected %d/%d agents\n", done, n)
	}
}

func progress(w io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(w, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
