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

package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// snapshot is the state of both processes at one edge of the window.
type snapshot struct {
	at      time.Time
	hub     ProcSample
	self    ProcSample
	metrics hubMetrics
}

func takeSnapshot(ctx context.Context, h *Hub, adm *admin) (snapshot, error) {
	s := snapshot{at: time.Now()}
	var err error
	if h.PID != "" {
		if s.hub, err = ReadProc(h.PID); err != nil {
			return s, err
		}
	}
	if s.self, err = ReadProc("self"); err != nil {
		return s, err
	}
	if s.metrics, err = adm.scrapeMetrics(ctx); err != nil {
		return s, err
	}
	return s, nil
}

// peaks are the extremes seen by the once-a-second sampler during the window.
type peaks struct {
	mu             sync.Mutex
	hubRSS         int64
	selfRSS        int64
	minWatchesOpen int64
	minTunnelsOpen int64
}

// sample records the current readings; errors only cost a sample.
func (p *peaks) sample(h *Hub, l *load) {
	var hub, self ProcSample
	if h.PID != "" {
		hub, _ = ReadProc(h.PID)
	}
	self, _ = ReadProc("self")
	open, tunnels := l.watchesOpen.Load(), l.tunnelsOpen.Load()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hubRSS, p.selfRSS = max(p.hubRSS, hub.RSS), max(p.selfRSS, self.RSS)
	p.minWatchesOpen = min(p.minWatchesOpen, open)
	p.minTunnelsOpen = min(p.minTunnelsOpen, tunnels)
}

func (p *peaks) run(ctx context.Context, h *Hub, l *load) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		p.sample(h, l)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// measure runs the measurement window: heartbeats begun inside it are recorded, the
// propagation probes run spread over it, and both processes are read at its edges.
func measure(ctx context.Context, h *Hub, adm *admin, agents []*Agent, l *load, cfg Config, r *Report) error {
	before, err := takeSnapshot(ctx, h, adm)
	if err != nil {
		return fmt.Errorf("reading the processes at the window's start: %w", err)
	}
	windowCtx, endWindow := context.WithCancel(ctx)
	p := &peaks{minWatchesOpen: int64(len(agents)), minTunnelsOpen: int64(len(agents))}
	var wg sync.WaitGroup
	if cfg.Disrupt != nil {
		wg.Go(func() { disrupt(windowCtx, cfg, l) })
	}
	if cfg.Disrupted != nil {
		wg.Go(func() { markDisruption(windowCtx, cfg.Disrupted, l) })
	}
	wg.Go(func() { p.run(windowCtx, h, l) })
	wg.Go(func() { probePropagation(windowCtx, adm, agents, cfg.PropagationSamples, cfg.Duration, l) })
	l.measuring.Store(true)
	start := time.Now()
	sleepErr := sleep(ctx, cfg.Duration)
	l.measuring.Store(false)
	r.Window = time.Since(start)
	endWindow()
	wg.Wait()
	if sleepErr != nil {
		return sleepErr
	}
	after, err := takeSnapshot(ctx, h, adm)
	if err != nil {
		return fmt.Errorf("reading the processes at the window's end: %w", err)
	}
	r.fillProcesses(before, after, p)
	r.WritesChecked, r.WritesLost, err = verifyWrites(ctx, adm, l)
	return err
}

// disrupt calls cfg.Disrupt DisruptAfter into the window, marking the time first so that
// the breaks it causes count as failover.
func disrupt(ctx context.Context, cfg Config, l *load) {
	if sleep(ctx, cfg.DisruptAfter) != nil {
		return
	}
	progress(cfg.Progress, "Disrupting the hub")
	l.disruptedAt.Store(time.Now().UnixNano())
	if err := cfg.Disrupt(); err != nil {
		l.errors.record(&l.errors.propagation, fmt.Errorf("disrupting the hub: %w", err))
	}
}

// markDisruption marks the time another process disrupted the hub, when disrupted closes.
func markDisruption(ctx context.Context, disrupted <-chan struct{}, l *load) {
	select {
	case <-ctx.Done():
	case <-disrupted:
		l.disruptedAt.Store(time.Now().UnixNano())
	}
}

// verifyWrites reads back every acknowledged PATCH of the window and counts those whose
// value the hub no longer has.
func verifyWrites(ctx context.Context, adm *admin, l *load) (checked, lost int, err error) {
	l.propagation.mu.Lock()
	defer l.propagation.mu.Unlock()
	for clusterID, want := range l.propagation.acked {
		got, err := adm.desiredAgentVersion(ctx, clusterID)
		if err != nil {
			return checked, lost, fmt.Errorf("reading back an acknowledged write: %w", err)
		}
		checked++
		if got != want {
			lost++
			l.errors.record(&l.errors.propagation, fmt.Errorf("lost write: %s has desiredAgentVersion %q, %q was acknowledged", clusterID, got, want))
		}
	}
	return checked, lost, nil
}
