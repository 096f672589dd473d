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
}

// sample records the current readings; errors only cost a sample.
func (p *peaks) sample(h *Hub, l *load) {
	var hub, self ProcSample
	if h.PID != "" {
		hub, _ = ReadProc(h.PID)
	}
	self, _ = ReadProc("self")
	open := l.watchesOpen.Load()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hubRSS, p.selfRSS = max(p.hubRSS, hub.RSS), max(p.selfRSS, self.RSS)
	p.minWatchesOpen = min(p.minWatchesOpen, open)
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
	p := &peaks{minWatchesOpen: int64(len(agents))}
	var wg sync.WaitGroup
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
	return nil
}
