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
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Heartbeat reports the cluster's metadata and the agent's resource use; the answer holds
// the cluster's connectivity status on the hub.
func (c *Client) Heartbeat(ctx context.Context, hb protocol.Heartbeat) (protocol.HeartbeatResponse, error) {
	resp, _, err := c.HeartbeatAt(ctx, hb)
	return resp, err
}

// HeartbeatAt is Heartbeat that also returns the hub URL the heartbeat was sent to. After
// the call, HubURL may name another one: a request failing at the same time (the watch, the
// tunnel) may have moved the client.
func (c *Client) HeartbeatAt(ctx context.Context, hb protocol.Heartbeat) (protocol.HeartbeatResponse, string, error) {
	hub := c.hub()
	var resp protocol.HeartbeatResponse
	err := c.callHub(ctx, c.agentClient(), hub, http.MethodPost, protocol.PathHeartbeat, hb, &resp)
	return resp, hub.String(), err
}

// DesiredState lists the cluster's whole desired state and its resourceVersion, to watch
// from.
func (c *Client) DesiredState(ctx context.Context) (protocol.DesiredState, error) {
	var state protocol.DesiredState
	err := c.call(ctx, c.agentClient(), http.MethodGet, protocol.PathDesiredState, nil, &state)
	return state, err
}

// ReportStatus sends a batch of object statuses.
func (c *Client) ReportStatus(ctx context.Context, statuses []protocol.ObjectStatus) error {
	return c.call(ctx, c.agentClient(), http.MethodPost, protocol.PathStatus, protocol.StatusReport{Items: statuses}, nil)
}

// SendLogs ships a batch of the agent's own log, gzip-compressed.
func (c *Client) SendLogs(ctx context.Context, b protocol.LogBatch) error {
	return c.call(ctx, c.agentClient(), http.MethodPost, protocol.PathLogs, gzipped{b}, nil)
}

// gzipped is a request body sent as gzip-compressed JSON (Content-Encoding: gzip).
type gzipped struct{ v any }

// encodeBody returns in as JSON, compressed when it is gzipped, and its Content-Encoding.
func encodeBody(in any) ([]byte, string, error) {
	g, compress := in.(gzipped)
	if !compress {
		data, err := json.Marshal(in)
		return data, "", err
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(g.v); err != nil {
		return nil, "", err
	}
	err := zw.Close()
	return buf.Bytes(), "gzip", err
}

// call sends in (nil: no body) as JSON to the hub URL in use and decodes a 2xx answer into
// out (nil: ignored). Other answers become a *HubError.
func (c *Client) call(ctx context.Context, hc *http.Client, method, path string, in, out any) error {
	return c.callHub(ctx, hc, c.hub(), method, path, in, out)
}

// callHub is call to the hub URL hub.
func (c *Client) callHub(ctx context.Context, hc *http.Client, hub *url.URL, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.send(ctx, hc, hub, method, path, in)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: %w", method, path, readHubError(resp))
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decoding the hub's answer: %w", method, path, err)
	}
	return nil
}

// send makes one request to the hub URL hub; the caller closes the answer's body.
func (c *Client) send(ctx context.Context, hc *http.Client, hub *url.URL, method, path string, in any) (*http.Response, error) {
	var body io.Reader
	encoding := ""
	if in != nil {
		data, enc, err := encodeBody(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request: %w", method, path, err)
		}
		body, encoding = bytes.NewReader(data), enc
	}
	req, err := http.NewRequestWithContext(ctx, method, hub.String()+path, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := hc.Do(req)
	c.observe(ctx, hub, resp, err)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp, nil
}
