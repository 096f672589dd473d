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
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// propagation is what the probes measured.
type propagation struct {
	// sinceRequest runs from just before the PATCH is sent to the watch event's arrival.
	sinceRequest Samples
	// sinceResponse runs from the PATCH's answer to the event; an event that arrived first
	// counts as zero (and in eventFirst).
	sinceResponse Samples
	eventFirst    atomic.Int64

	// acked holds the version of each cluster's last acknowledged PATCH, for the check that
	// no acknowledged write was lost.
	mu    sync.Mutex
	acked map[string]string
}

func (p *propagation) ack(clusterID, version string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.acked == nil {
		p.acked = map[string]string{}
	}
	p.acked[clusterID] = version
}

// probePropagation changes arcAgentProfile.desiredAgentVersion of `samples` random agents'
// clusters, one at a time, spread evenly over span, and times each change's arrival on that
// agent's watch stream.
func probePropagation(ctx context.Context, adm *admin, agents []*Agent, samples int, span time.Duration, l *load) {
	if samples <= 0 || len(agents) == 0 {
		return
	}
	gap := span / time.Duration(samples+1)
	picks := rand.Perm(len(agents))
	for i := range min(samples, len(agents)) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(gap):
		}
		err := probeOne(ctx, adm, agents[picks[i]], fmt.Sprintf("9.9.%d", i+1), l)
		switch {
		case err == nil || ctx.Err() != nil:
		case errors.Is(err, errUnanswered):
			l.recordBreak(&l.errors.propagation, err)
		default:
			l.errors.record(&l.errors.propagation, err)
		}
	}
}

// probeOne sets version on the agent's cluster and waits for the agent to see it.
func probeOne(ctx context.Context, adm *admin, a *Agent, version string, l *load) error {
	exp := &expectation{version: version, seen: make(chan time.Time, 1)}
	a.expect.Store(exp)
	defer a.expect.Store(nil)
	sent := time.Now()
	if err := adm.setDesiredAgentVersion(ctx, a.ClusterID, version); err != nil {
		return fmt.Errorf("propagation probe: %w", err)
	}
	answered := time.Now()
	l.propagation.ack(a.ClusterID, version)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return fmt.Errorf("propagation probe: %s did not see desiredAgentVersion %s within 10s", a.ClusterID, version)
	case seen := <-exp.seen:
		l.propagation.sinceRequest.Add(sent, seen.Sub(sent))
		afterAnswer := seen.Sub(answered)
		if afterAnswer < 0 {
			afterAnswer = 0
			l.propagation.eventFirst.Add(1)
		}
		l.propagation.sinceResponse.Add(answered, afterAnswer)
		return nil
	}
}
