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

// Package tunnel is the agent's side of cluster connect: while the ArcConnection's
// spec.clusterConnect.enabled is true, the elected agent keeps a request open to the hub on
// its HTTP/2 connection (authenticated with the cluster's client certificate, through the
// configured proxy), whose bodies carry a yamux session (pkg/tunnelmux). The hub opens a
// stream per connection, and the agent serves the requests on it with a Forwarder to the
// cluster's API server. It reconnects with jittered exponential backoff and reports the
// tunnel's state in the ArcConnection's status.clusterConnect.
package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// Agent keeps the cluster connect tunnel. It is a manager Runnable for the leader only, like
// the Connector it takes the hub client from.
type Agent struct {
	// Client reads the ArcConnection and patches its status.
	Client client.Client
	// HubClient returns the registered hub client, nil before registration
	// (connection.Connector.HubClient).
	HubClient func() *agentclient.Client
	// Handler serves the requests that arrive through the tunnel (a Forwarder).
	Handler http.Handler
	Log     logr.Logger
	// Backoff paces reconnections (default: 1s doubling to 2m, jitter 0.5).
	Backoff wait.Backoff
	// CheckInterval is how often the spec and the hub client are checked (default 5s).
	CheckInterval time.Duration
	// StableAfter is how long a tunnel must last for the backoff to start over (default 1m).
	StableAfter time.Duration
}

// NeedLeaderElection makes the tunnel run on the leader only: a cluster has one tunnel.
func (a *Agent) NeedLeaderElection() bool { return true }

var (
	// errReconfigured ends a tunnel whose spec or hub client changed.
	errReconfigured = errors.New("the tunnel's configuration changed")
	// errClosed ends a tunnel the hub or the network closed.
	errClosed = errors.New("the tunnel closed")
)

// Start keeps the tunnel until ctx ends.
func (a *Agent) Start(ctx context.Context) error {
	a.defaults()
	status := &statusWriter{client: a.Client, log: a.Log}
	backoff := a.Backoff
	for ctx.Err() == nil {
		hub, enabled := a.wanted(ctx)
		switch {
		case !enabled:
			status.set(ctx, arcv1alpha1.TunnelDisabled, "")
			backoff = a.Backoff
			sleep(ctx, a.CheckInterval)
			continue
		case hub == nil:
			status.set(ctx, arcv1alpha1.TunnelConnecting, "waiting for the agent to register with the hub")
			sleep(ctx, a.CheckInterval)
			continue
		}
		status.set(ctx, arcv1alpha1.TunnelConnecting, "")
		started := time.Now()
		err := a.connect(ctx, hub, status)
		if ctx.Err() != nil {
			break
		}
		if time.Since(started) > a.StableAfter {
			backoff = a.Backoff
		}
		if !errors.Is(err, errReconfigured) {
			msg := fmt.Sprintf("the tunnel to the hub failed: %v", err)
			if errors.Is(err, errClosed) {
				msg = err.Error()
			}
			status.set(ctx, arcv1alpha1.TunnelDisconnected, msg)
			a.Log.Info("Tunnel to the hub down; retrying", "error", err)
			sleep(ctx, backoff.Step())
		}
	}
	// A new leader writes its own state; this one says why the tunnel went, if it can.
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	status.set(stopCtx, arcv1alpha1.TunnelDisconnected, "the agent stopped")
	return nil
}

func (a *Agent) defaults() {
	if a.Backoff.Duration == 0 {
		a.Backoff = wait.Backoff{Duration: time.Second, Factor: 2, Jitter: 0.5, Steps: 1 << 30, Cap: 2 * time.Minute}
	}
	if a.CheckInterval <= 0 {
		a.CheckInterval = 5 * time.Second
	}
	if a.StableAfter <= 0 {
		a.StableAfter = time.Minute
	}
}

// wanted returns the hub client and whether the ArcConnection asks for cluster connect.
func (a *Agent) wanted(ctx context.Context) (*agentclient.Client, bool) {
	obj := &arcv1alpha1.ArcConnection{}
	if err := a.Client.Get(ctx, client.ObjectKey{Name: arcv1alpha1.ArcConnectionName}, obj); err != nil {
		return nil, false
	}
	return a.HubClient(), obj.Spec.ClusterConnect.Enabled
}

// connect opens the tunnel and serves it until it fails, ctx ends, or the configuration
// changes.
func (a *Agent) connect(ctx context.Context, hub *agentclient.Client, status *statusWriter) error {
	conn, err := hub.OpenTunnel(ctx)
	if err != nil {
		return err
	}
	mux, err := tunnelmux.Agent(conn, func(msg string) { a.Log.V(1).Info("Tunnel", "message", msg) })
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer func() { _ = mux.Close() }()
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(mux) }()
	defer func() { _ = srv.Close() }()

	status.set(ctx, arcv1alpha1.TunnelConnected, "")
	a.Log.Info("Tunnel to the hub open", "hub", hub.HubURL())
	tick := time.NewTicker(a.CheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-mux.CloseChan():
			return errClosed
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if current, enabled := a.wanted(ctx); !enabled || current != hub {
			return errReconfigured
		}
		status.set(ctx, arcv1alpha1.TunnelConnected, "")
	}
}

// sleep waits for d or ctx.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
