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
	"encoding/json"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// load is the state the simulated agents share during a run.
type load struct {
	interval       time.Duration
	requestTimeout time.Duration
	heartbeatBody  []byte

	// measuring is true inside the measurement window: heartbeats begun then are recorded.
	measuring   atomic.Bool
	heartbeats  Samples
	watchesOpen atomic.Int64
	tunnelsOpen atomic.Int64
	errors      errorCounts
	propagation propagation

	// disruptedAt is when Config.Disrupt was called (Unix nanoseconds; 0 before). From then
	// on, a broken connection is the expected failover: counted in failoverBreaks, not as an
	// error, and each reopening is timed from disruptedAt.
	disruptedAt      atomic.Int64
	failoverBreaks   atomic.Int64
	watchReconnects  Samples
	tunnelReconnects Samples
}

// recordBreak counts err as a failover break after the disruption, else as an error.
func (l *load) recordBreak(counter *atomic.Int64, err error) {
	if l.disruptedAt.Load() != 0 {
		l.failoverBreaks.Add(1)
		return
	}
	l.errors.record(counter, err)
}

// reconnected times a watch or tunnel opened after the disruption from the disruption.
func (l *load) reconnected(samples *Samples) {
	if at := l.disruptedAt.Load(); at != 0 {
		from := time.Unix(0, at)
		samples.Add(from, time.Since(from))
	}
}

func newLoad(cfg Config) (*load, error) {
	// What every simulated agent reports: a small k3s cluster.
	body, err := json.Marshal(protocol.Heartbeat{
		KubernetesVersion: "v1.37.2", NodeCount: 3, CoreCount: 12, AgentVersion: "0.1.0",
		Distribution: "k3s", Infrastructure: "bare_metal", AgentCPUMillicores: 4, AgentMemoryBytes: 41943040,
	})
	if err != nil {
		return nil, fmt.Errorf("encoding the heartbeat: %w", err)
	}
	l := &load{interval: cfg.Interval, requestTimeout: cfg.RequestTimeout, heartbeatBody: body}
	l.errors.log = cfg.Progress
	return l, nil
}

// errorCounts counts what went wrong; a valid run has none. The first few errors are
// printed, so a failing run says why.
type errorCounts struct {
	heartbeatStatus    atomic.Int64
	heartbeatTransport atomic.Int64
	watch              atomic.Int64
	tunnel             atomic.Int64
	notHTTP2           atomic.Int64
	propagation        atomic.Int64

	printed atomic.Int64
	log     io.Writer
}

// maxPrintedErrors bounds how many errors are printed.
const maxPrintedErrors = 20

func (e *errorCounts) record(counter *atomic.Int64, err error) {
	counter.Add(1)
	if n := e.printed.Add(1); n <= maxPrintedErrors && e.log != nil {
		_, _ = fmt.Fprintln(e.log, "  error:", err)
		if n == maxPrintedErrors {
			_, _ = fmt.Fprintln(e.log, "  (further errors are counted, not printed)")
		}
	}
}

// Errors are the error counts of a run, all zero in a valid one.
type Errors struct {
	// HeartbeatStatus are heartbeats answered with a status other than 200.
	HeartbeatStatus int64 `json:"heartbeatStatus"`
	// HeartbeatTransport are heartbeats that failed to connect, timed out or broke.
	HeartbeatTransport int64 `json:"heartbeatTransport"`
	// Watch are failed lists or watches and watch streams that ended during the run.
	Watch int64 `json:"watch"`
	// Tunnel are tunnels that failed to open or closed during the run.
	Tunnel int64 `json:"tunnel"`
	// NotHTTP2 are answers that did not come over HTTP/2.
	NotHTTP2 int64 `json:"notHTTP2"`
	// Propagation are failed PATCHes and changes that did not reach the agent within 10s.
	Propagation int64 `json:"propagation"`
}

// Total is the sum of all errors.
func (e Errors) Total() int64 {
	return e.HeartbeatStatus + e.HeartbeatTransport + e.Watch + e.Tunnel + e.NotHTTP2 + e.Propagation
}

func (e *errorCounts) snapshot() Errors {
	return Errors{
		HeartbeatStatus: e.heartbeatStatus.Load(), HeartbeatTransport: e.heartbeatTransport.Load(),
		Watch: e.watch.Load(), Tunnel: e.tunnel.Load(), NotHTTP2: e.notHTTP2.Load(), Propagation: e.propagation.Load(),
	}
}
