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
	"net/http"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// newTunnelClient returns the agent's hub client as the real agent holds it: its key and
// the certificate the hub issued, which the tunnel's websocket presents.
func newTunnelClient(h *Hub, clusterID string, reg registration) (*agentclient.Client, error) {
	hc, err := agentclient.New(agentclient.Options{HubURL: h.URL, ClusterID: clusterID, Key: reg.key, HubCAPEM: h.CAPEM})
	if err != nil {
		return nil, fmt.Errorf("the hub client of %s: %w", clusterID, err)
	}
	if err := hc.SetCertificate(reg.certPEM); err != nil {
		return nil, fmt.Errorf("the certificate of %s: %w", clusterID, err)
	}
	return hc, nil
}

// tunnel holds the agent's cluster-connect tunnel open as the real agent does
// (internal/tunnel.Agent): the websocket of agentclient and the agent's end of tunnelmux,
// serving nothing but 404 (the benchmark sends no requests through it). A tunnel that ends
// is opened again after a second; ready is called once, when the first attempt is over.
func (a *Agent) tunnel(ctx context.Context, l *load, ready func()) {
	pending := true
	for ctx.Err() == nil {
		err := a.tunnelOnce(ctx, l, func() {
			if pending {
				pending = false
				ready()
			}
		})
		if ctx.Err() != nil {
			break
		}
		if pending {
			pending = false
			ready()
		}
		l.recordBreak(&l.errors.tunnel, err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	if pending {
		ready()
	}
}

func (a *Agent) tunnelOnce(ctx context.Context, l *load, opened func()) error {
	url, dialer := a.hub.Websocket(protocol.PathTunnel)
	ws, resp, err := dialer.DialContext(ctx, url, nil)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return fmt.Errorf("tunnel of %s: %w", a.ClusterID, err)
	}
	mux, err := tunnelmux.Agent(ws, func(string) {})
	if err != nil {
		_ = ws.Close()
		return fmt.Errorf("tunnel of %s: %w", a.ClusterID, err)
	}
	defer func() { _ = mux.Close() }()
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(mux) }()
	defer func() { _ = srv.Close() }()
	l.reconnected(&l.tunnelReconnects)
	opened()
	l.tunnelsOpen.Add(1)
	defer l.tunnelsOpen.Add(-1)
	select {
	case <-mux.CloseChan():
		return fmt.Errorf("tunnel of %s closed", a.ClusterID)
	case <-ctx.Done():
		return nil
	}
}
