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

	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// tunnel holds the agent's cluster-connect tunnel open as the real agent does
// (internal/tunnel.Agent): the tunnel's request on the agent's connection and the agent's
// end of tunnelmux, serving nothing but 404 (the benchmark sends no requests through it). A tunnel that ends
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
	conn, err := tunnelmux.Dial(ctx, a.baseURL+protocol.PathTunnel, func(req *http.Request) (*http.Response, error) {
		resp, err := a.client.Do(req)
		if err == nil && resp.ProtoMajor != 2 {
			_ = resp.Body.Close()
			return nil, fmt.Errorf("went over %s", resp.Proto)
		}
		return resp, err
	})
	if err != nil {
		return fmt.Errorf("tunnel of %s: %w", a.ClusterID, err)
	}
	mux, err := tunnelmux.Agent(conn, func(string) {})
	if err != nil {
		_ = conn.Close()
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
