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
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// probePath is an open endpoint of every hub, answered without authentication.
const probePath = "/healthz"

// ProbeResult is what one request to the hub showed of the connection to it.
type ProbeResult struct {
	// TLS is the hub's side of the handshake: its verified certificate chains.
	TLS *tls.ConnectionState
	// HubTime is the hub's clock (its Date header); zero when it sent none.
	HubTime time.Time
	// Sent and Received bracket the request on the agent's clock.
	Sent, Received time.Time
}

// Probe makes one request to the hub URL in use (HubURL) on a new connection, through the
// proxy the options name and trusting the hub CA they name, without the client certificate:
// the connectivity checks' view of the path to the hub. It returns the dial, proxy or TLS
// error as is, and does not move the client to another hub URL: it diagnoses the one in use.
func (c *Client) Probe(ctx context.Context) (ProbeResult, error) {
	t := c.build.transport(hubTLSConfig(c.build.roots), c.build.dial)
	t.DisableKeepAlives = true
	defer t.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.hub().String()+probePath, nil)
	if err != nil {
		return ProbeResult{}, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	res := ProbeResult{Sent: time.Now()}
	resp, err := (&http.Client{Transport: t}).Do(req)
	res.Received = time.Now()
	if err != nil {
		return res, err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	res.TLS = resp.TLS
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		res.HubTime = date
	}
	return res, nil
}

// SendConnectivityChecks reports the results of the agent's last connectivity checks.
func (c *Client) SendConnectivityChecks(ctx context.Context, checks protocol.ConnectivityChecks) error {
	if err := c.call(ctx, c.agentClient(), http.MethodPost, protocol.PathConnectivityChecks, checks, nil); err != nil {
		return fmt.Errorf("sending the connectivity checks: %w", err)
	}
	return nil
}
