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

package agentclient

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// OpenTunnel opens the cluster connect tunnel on the hub URL in use and returns the agent's
// end of its byte stream, for tunnelmux.Agent (docs/cluster-connect.md). The tunnel is one
// request of the client's HTTP/2 connection, beside the heartbeats and the watch, so it goes
// where they go: through the configured proxy, trusting the hub CA, with the current client
// certificate. It ends when ctx does, when it is closed, and when the certificate is
// replaced (its connection closes). A failure moves the client to the next hub URL as other
// requests' do (failover.go).
func (c *Client) OpenTunnel(ctx context.Context) (io.ReadWriteCloser, error) {
	hub := c.hub()
	conn, err := tunnelmux.Dial(ctx, hub.String()+protocol.PathTunnel, func(req *http.Request) (*http.Response, error) {
		req.Header.Set("User-Agent", c.userAgent)
		resp, err := c.agentClient().Do(req)
		c.observe(ctx, hub, resp, err)
		if err == nil && resp.StatusCode != http.StatusOK {
			defer func() { _ = resp.Body.Close() }()
			return nil, readHubError(resp)
		}
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("opening the tunnel: %w", err)
	}
	return conn, nil
}
