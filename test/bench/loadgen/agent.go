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
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Agent is one simulated cluster agent: its own client certificate, hence its own
// transport and TLS connection, which carries its watch stream, its heartbeats and its
// tunnel, as the real agent's does.
type Agent struct {
	// ClusterID is the ARM ID of the agent's connectedCluster.
	ClusterID string

	baseURL   string
	transport *http.Transport
	client    *http.Client
	// holdsTunnel is whether the agent holds its cluster-connect tunnel open.
	holdsTunnel bool
	// expect is the desired agent version a propagation probe waits for, if any.
	expect atomic.Pointer[expectation]
}

// expectation is a propagation probe waiting for a watch event on one agent.
type expectation struct {
	version string
	seen    chan time.Time
}

func newAgent(h *Hub, clusterID string, cert *tls.Certificate, tunnel bool) *Agent {
	t := newTransport(h.CA, cert)
	// No client timeout: the watch stream lives as long as the run. Requests carry contexts.
	return &Agent{ClusterID: clusterID, baseURL: h.URL, transport: t, client: &http.Client{Transport: t}, holdsTunnel: tunnel}
}

// close drops the agent's connection.
func (a *Agent) close() { a.transport.CloseIdleConnections() }

// heartbeats beats every l.interval, the first after offset, until stop is closed. Requests
// run under ctx, so a beat in flight when stop closes still completes and counts.
func (a *Agent) heartbeats(ctx context.Context, l *load, offset time.Duration, stop <-chan struct{}) {
	first := time.NewTimer(offset)
	defer first.Stop()
	select {
	case <-stop:
		return
	case <-first.C:
	}
	ticker := time.NewTicker(l.interval)
	defer ticker.Stop()
	for {
		a.beat(ctx, l)
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
	}
}

// beat sends one heartbeat and records its round trip if it began inside the window.
func (a *Agent) beat(ctx context.Context, l *load) {
	measured := l.measuring.Load()
	ctx, cancel := context.WithTimeout(ctx, l.requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.baseURL+protocol.PathHeartbeat, bytes.NewReader(l.heartbeatBody))
	if err != nil {
		l.errors.record(&l.errors.heartbeatTransport, fmt.Errorf("building a heartbeat: %w", err))
		return
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		l.recordBreak(&l.errors.heartbeatTransport, fmt.Errorf("heartbeat of %s: %w", a.ClusterID, err))
		return
	}
	_, copyErr := io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	latency := time.Since(start)
	switch {
	case resp.StatusCode != http.StatusOK:
		l.errors.record(&l.errors.heartbeatStatus, fmt.Errorf("heartbeat of %s: %s", a.ClusterID, resp.Status))
	case copyErr != nil:
		l.errors.record(&l.errors.heartbeatTransport, fmt.Errorf("reading the heartbeat answer of %s: %w", a.ClusterID, copyErr))
	case resp.ProtoMajor != 2:
		l.errors.record(&l.errors.notHTTP2, fmt.Errorf("heartbeat of %s went over %s", a.ClusterID, resp.Proto))
	case measured:
		l.heartbeats.Add(start, latency)
	}
}
