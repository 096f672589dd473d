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

package agentlog

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Defaults of a Shipper.
const (
	// DefaultInterval is how often lines are shipped when the Ring is less than half full.
	DefaultInterval = 2 * time.Second
	// batchLines and batchBytes bound one batch, well within the hub's limits.
	batchLines = 500
	batchBytes = 256 << 10
)

// ShipperLoggerName is the name of the Shipper's logger; the Ring never holds its lines.
const ShipperLoggerName = "agentlog"

// Shipper sends the Ring's lines to the hub in batches, with backoff while the hub cannot be
// reached. It is a manager Runnable on the leader, which holds the hub session.
type Shipper struct {
	Ring *Ring
	// Hub returns the hub client, nil while the agent is not registered.
	Hub func() *agentclient.Client
	// Interval is how often lines are shipped (DefaultInterval).
	Interval time.Duration
	// Log is for the Shipper's own failures (debug lines). Lines of a logger named
	// ShipperLoggerName are never teed into the Ring, so that a failure to ship cannot feed
	// the Ring it fails to empty.
	Log logr.Logger
}

// NeedLeaderElection makes the Shipper run on the leader only.
func (s *Shipper) NeedLeaderElection() bool { return true }

// Start ships until ctx ends. A batch the hub did not take is held (one batch beside the
// Ring) and sent again after a backoff; meanwhile the Ring keeps the newest lines.
func (s *Shipper) Start(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	backoff := newBackoff()
	var pending *protocol.LogBatch
	for delay := interval; ; {
		// While a batch waits for its retry, a filling Ring must not cut the backoff short.
		wake := s.Ring.Wake()
		if pending != nil {
			wake = nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		case <-wake:
		}
		if pending == nil {
			b := s.Ring.Take(batchLines, batchBytes)
			pending = &b
		}
		switch err := s.send(ctx, *pending); {
		case err == nil, isRefused(err):
			if err != nil {
				s.Ring.countDropped(int64(len(pending.Lines)) + pending.Dropped)
			}
			pending, delay, backoff = nil, s.next(interval), newBackoff()
		default:
			s.Log.V(1).Info("Shipping the agent's log failed; retrying", "error", err.Error())
			delay = backoff.Step()
		}
	}
}

// send ships b, if it holds anything, with the current hub client.
func (s *Shipper) send(ctx context.Context, b protocol.LogBatch) error {
	if len(b.Lines) == 0 && b.Dropped == 0 {
		return nil
	}
	hub := s.Hub()
	if hub == nil {
		return errors.New("not registered with the hub yet")
	}
	return hub.SendLogs(ctx, b)
}

// next is the wait before the next batch: none while the Ring holds lines.
func (s *Shipper) next(interval time.Duration) time.Duration {
	if lines, _ := s.Ring.Len(); lines > 0 {
		return 0
	}
	return interval
}

// isRefused reports whether the hub refused a batch for what it holds: sending it again
// cannot succeed, so it is dropped. Other failures (the network, the hub, the agent's
// credential, rate limits) are retried.
func isRefused(err error) bool {
	var he *agentclient.HubError
	if !errors.As(err, &he) {
		return false
	}
	switch he.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return true
	}
	return false
}

func newBackoff() wait.Backoff {
	return wait.Backoff{Duration: time.Second, Factor: 2, Jitter: 0.2, Steps: 1 << 30, Cap: time.Minute}
}
