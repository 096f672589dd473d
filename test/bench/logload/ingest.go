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

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// fleet is the simulated agents and what they sent.
type fleet struct {
	clients   []*agentclient.Client
	lines     int // per batch
	measuring atomic.Bool
	latency   loadgen.Samples
	sent      atomic.Int64 // lines the hub accepted, window or not
	// errors counts failed batches begun in the window; warmupErrors those before it.
	errors, warmupErrors atomic.Int64
	firstErr             sync.Once
}

// runIngest sends o.clusters agents' log batches for o.warmup plus o.duration.
func runIngest(ctx context.Context, e *env, o options) (bool, error) {
	progress("Creating and registering %d clusters (%d at a time)", o.clusters, o.setupConcurrency)
	start := time.Now()
	clients, err := setUpFleet(ctx, e, o.clusters, o.setupConcurrency)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	}()
	if err != nil {
		return false, err
	}
	setup := time.Since(start)
	f := &fleet{clients: clients, lines: int(float64(o.clusterRate) * o.interval.Seconds())}

	sendCtx, stopSending := context.WithCancel(ctx)
	var senders sync.WaitGroup
	for i, c := range clients {
		offset := rand.N(o.interval) // spreads the batches evenly over the interval
		senders.Go(func() { f.send(sendCtx, c, int64(i), offset, o.interval) })
	}
	progress("Warming up for %s: %d agents, a batch of %d lines every %s each", o.warmup, o.clusters, f.lines, o.interval)
	valid, err := f.measure(ctx, e, o, setup)
	stopSending()
	senders.Wait()
	if err != nil {
		return false, err
	}
	return f.verify(ctx, e) && valid, nil
}

// measure runs the warmup and the window, and prints what it measured.
func (f *fleet) measure(ctx context.Context, e *env, o options, setup time.Duration) (bool, error) {
	if err := sleep(ctx, o.warmup); err != nil {
		return false, err
	}
	progress("Measuring for %s", o.duration)
	hubBefore, err := loadgen.ReadProc(e.hub.PID)
	if err != nil {
		return false, err
	}
	selfBefore, err := loadgen.ReadProc(self)
	if err != nil {
		return false, err
	}
	f.measuring.Store(true)
	start := time.Now()
	if err := sleep(ctx, o.duration); err != nil {
		return false, err
	}
	f.measuring.Store(false)
	window := time.Since(start)
	hub, err := usageBetween(e.hub.PID, hubBefore)
	if err != nil {
		return false, err
	}
	gen, err := usageBetween(self, selfBefore)
	if err != nil {
		return false, err
	}
	lat := f.latency.Summary()
	fmt.Printf("\nlogload ingest %s: %d agents, %d lines/s each, a batch of %d every %s\n", time.Now().UTC().Format(time.RFC3339),
		len(f.clients), o.clusterRate, f.lines, o.interval)
	fmt.Printf("setup: create + register  %.1fs\n", setup.Seconds())
	fmt.Printf("batches in the window     %d = %.1f/s (%.0f lines/s)\n", lat.Count, float64(lat.Count)/window.Seconds(),
		float64(lat.Count*f.lines)/window.Seconds())
	fmt.Printf("batch POST p50/p90/p99    %s / %s / %s, max %s\n", ms(lat.P50), ms(lat.P90), ms(lat.P99), ms(lat.Max))
	fmt.Printf("errors in the window      %d (in the warmup: %d)\n", f.errors.Load(), f.warmupErrors.Load())
	fmt.Printf("hub process               %s\n", hub.String(window))
	fmt.Printf("generator process         %s\n", gen.String(window))
	return f.errors.Load() == 0, nil
}

// send ships a batch of f.lines lines from agent i every interval, from offset on.
func (f *fleet) send(ctx context.Context, c *agentclient.Client, i int64, offset, interval time.Duration) {
	if sleep(ctx, offset) != nil {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for seq := int64(0); ; {
		now := time.Now()
		b := protocol.LogBatch{Lines: make([]protocol.LogLine, f.lines)}
		for j := range b.Lines {
			b.Lines[j] = sampleLine(i<<32|seq, now)
			seq++
		}
		measured := f.measuring.Load()
		err := c.SendLogs(ctx, b)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && measured:
			f.errors.Add(1)
			f.firstErr.Do(func() { progress("First error: %v", err) })
		case err != nil:
			f.warmupErrors.Add(1)
			f.firstErr.Do(func() { progress("First error (warmup): %v", err) })
		default:
			f.sent.Add(int64(len(b.Lines)))
			if measured {
				f.latency.Add(now, time.Since(now))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// verify reads every cluster's log back and compares it with the lines the hub accepted.
func (f *fleet) verify(ctx context.Context, e *env) bool {
	var stored, distinct atomic.Int64
	var failed atomic.Int64
	jobs := make(chan *agentclient.Client)
	var readers sync.WaitGroup
	for range 8 {
		readers.Go(func() {
			for c := range jobs {
				s, err := e.storedLines(ctx, c.ClusterID())
				if err != nil {
					failed.Add(1)
					continue
				}
				stored.Add(int64(s.agent))
				distinct.Add(int64(s.distinct))
			}
		})
	}
	for _, c := range f.clients {
		jobs <- c
	}
	close(jobs)
	readers.Wait()
	fmt.Printf("lines accepted / stored   %d / %d (%d distinct; %d clusters unread)\n", f.sent.Load(), stored.Load(),
		distinct.Load(), failed.Load())
	return failed.Load() == 0 && stored.Load() >= f.sent.Load() && distinct.Load() == stored.Load()
}

// setUpFleet creates and registers n agents, concurrency at a time.
func setUpFleet(ctx context.Context, e *env, n, concurrency int) ([]*agentclient.Client, error) {
	clients := make([]*agentclient.Client, n)
	errs := make(chan error, n)
	slots := make(chan struct{}, max(concurrency, 1))
	var wg sync.WaitGroup
	for i := range n {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			c, err := e.newAgent(ctx, fmt.Sprintf("agent-%05d", i))
			clients[i] = c
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return clients, <-errs // the first error, if any
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

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
