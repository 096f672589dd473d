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
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/test/bench/loadgen"
)

// drainTimeout bounds the wait for the hub to hold every written line after the writer stops.
const drainTimeout = 30 * time.Second

// memory is the agent side's memory: the Go heap in use and the process's resident set.
type memory struct{ heap, rss int64 }

func readMemory() memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p, _ := loadgen.ReadProc(self)
	return memory{heap: int64(ms.HeapInuse), rss: p.RSS}
}

// memoryPeaks samples memory four times a second until stop is closed.
type memoryPeaks struct {
	mu   sync.Mutex
	peak memory
	ring int // most lines the ring held at a sample
}

func (p *memoryPeaks) run(ring *agentlog.Ring, stop <-chan struct{}) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		m := readMemory()
		lines, _ := ring.Len()
		p.mu.Lock()
		p.peak.heap, p.peak.rss, p.ring = max(p.peak.heap, m.heap), max(p.peak.rss, m.rss), max(p.ring, lines)
		p.mu.Unlock()
	}
}

// runShipper runs the agent's log shipping under o.rate lines a second for o.duration.
func runShipper(ctx context.Context, e *env, o options) (bool, error) {
	client, err := e.newAgent(ctx, "shipper")
	if err != nil {
		return false, err
	}
	defer client.Close()
	ring := agentlog.NewRing(o.bufferLines, o.bufferBytes)
	log := zap.New(agentlog.NewCore(ring, zapcore.InfoLevel))
	shipper := &agentlog.Shipper{Ring: ring, Hub: func() *agentclient.Client { return client }, Log: logr.Discard()}
	shipCtx, stopShipping := context.WithCancel(ctx)
	shipped := make(chan struct{})
	go func() { _ = shipper.Start(shipCtx); close(shipped) }() // it ends only with shipCtx, without an error
	defer func() { stopShipping(); <-shipped }()

	runtime.GC()
	base := readMemory()
	hubBefore, err := loadgen.ReadProc(e.hub.PID)
	if err != nil {
		return false, err
	}
	selfBefore, err := loadgen.ReadProc(self)
	if err != nil {
		return false, err
	}
	peaks := &memoryPeaks{peak: base}
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() { peaks.run(ring, stopSampling); close(sampled) }()

	progress("Logging %d lines/s for %s", o.rate, o.duration)
	start := time.Now()
	written := write(ctx, log, o.rate, o.duration)
	window := time.Since(start)
	end := readMemory()
	close(stopSampling)
	<-sampled
	hub, err := usageBetween(e.hub.PID, hubBefore)
	if err != nil {
		return false, err
	}
	agent, err := usageBetween(self, selfBefore)
	if err != nil {
		return false, err
	}

	progress("Waiting up to %s for the hub to hold all %d lines", drainTimeout, written)
	s, drain, err := waitStored(ctx, e, client.ClusterID(), written)
	if err != nil {
		return false, err
	}
	lost := written - s.agent
	fmt.Printf("\nlogload shipper %s: %d lines/s for %s, ring %d lines / %s\n", time.Now().UTC().Format(time.RFC3339),
		o.rate, o.duration, o.bufferLines, mib(int64(o.bufferBytes)))
	fmt.Printf("lines written            %d in %.1fs\n", written, window.Seconds())
	fmt.Printf("lines stored by the hub  %d (%d distinct; %d drop notices), all stored %.1fs after the writer stopped\n",
		s.agent, s.distinct, s.hub, drain.Seconds())
	fmt.Printf("lines lost               %d\n", lost)
	fmt.Printf("ring lines, most seen    %d\n", peaks.ring)
	fmt.Printf("agent heap in use        before %s, peak %s (+%s), end %s (+%s)\n", mib(base.heap),
		mib(peaks.peak.heap), mib(peaks.peak.heap-base.heap), mib(end.heap), mib(end.heap-base.heap))
	fmt.Printf("agent process RSS        before %s, peak %s (+%s), end %s (+%s)\n", mib(base.rss),
		mib(peaks.peak.rss), mib(peaks.peak.rss-base.rss), mib(end.rss), mib(end.rss-base.rss))
	fmt.Printf("agent process (writer too) %s\n", agent.String(window))
	fmt.Printf("hub process              %s\n", hub.String(window))
	return lost == 0 && s.distinct == s.agent && s.hub == 0, nil
}

// write logs rate structured lines a second through log for d, spread evenly, and returns
// how many it wrote.
func write(ctx context.Context, log *zap.Logger, rate int, d time.Duration) int {
	reconciled := log.Named("controllers").Named("extension").With(zap.String("controller", "extension"))
	failed := log.Named("controllers").Named("gitopsconfig").With(zap.String("controller", "gitopsconfig"))
	errDeadline := errors.New("applying kustomization: context deadline exceeded")
	total := int(float64(rate) * d.Seconds())
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	start, written := time.Now(), 0
	for written < total {
		select {
		case <-ctx.Done():
			return written
		case <-tick.C:
		}
		due := min(int(time.Since(start).Seconds()*float64(rate)), total)
		for ; written < due; written++ {
			seq := int64(written)
			ns, name := zap.String("namespace", fmt.Sprintf("tenant-%02d", seq%17)), zap.String("name", fmt.Sprintf("app-%03d", seq%251))
			id := zap.String("reconcileID", fmt.Sprintf("%08x-5c1e-4f7a-9b1d-%012x", seq, seq*7919))
			if seq%10 == 9 {
				failed.Warn("Reconciler error", ns, name, id, zap.Error(errDeadline), zap.Int64("seq", seq))
				continue
			}
			reconciled.Info("Reconciled object", ns, name, id, zap.Int64("revision", seq%97),
				zap.Duration("duration", time.Duration(3+seq%40)*time.Millisecond), zap.Int64("seq", seq))
		}
	}
	return written
}

// waitStored polls the hub until it holds want lines of cluster id, or drainTimeout passes.
func waitStored(ctx context.Context, e *env, id string, want int) (stored, time.Duration, error) {
	start := time.Now()
	for {
		s, err := e.storedLines(ctx, id)
		if err != nil || s.agent >= want || time.Since(start) > drainTimeout {
			return s, time.Since(start), err
		}
		select {
		case <-ctx.Done():
			return s, time.Since(start), ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
