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
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// websocketHandshakeTimeout bounds the TCP, proxy, TLS and HTTP upgrade of a websocket.
const websocketHandshakeTimeout = 15 * time.Second

// websocketBufferSize is the websocket's read and write buffer size.
const websocketBufferSize = 64 << 10

// DialWebsocket opens a websocket to path on the hub URL in use, as Websocket's dialer does,
// and moves the client to the next hub URL when the dial fails as other requests would
// (failover.go). The caller closes the answer's body when it is not nil.
func (c *Client) DialWebsocket(ctx context.Context, path string) (*websocket.Conn, *http.Response, error) {
	hub := c.hub()
	u, d := c.websocket(hub, path)
	ws, resp, err := d.DialContext(ctx, u, nil)
	if resp != nil {
		c.observe(ctx, hub, resp, nil) // the hub answered: its status tells
	} else {
		c.observe(ctx, hub, nil, err)
	}
	return ws, resp, err
}

// Websocket returns the wss:// URL of path on the hub URL in use and a dialer that reaches it
// as the client's other requests do: through the configured proxy (honouring NoProxy,
// trusting the proxy CA for an https:// proxy), trusting the hub CA, and presenting the
// current client certificate at each handshake, so a dial after a renewal uses the new
// certificate. It asks for the tunnel's subprotocol, protocol.TunnelSubprotocol. Dials with
// this dialer do not move the client to another hub URL; DialWebsocket's do.
func (c *Client) Websocket(path string) (string, *websocket.Dialer) {
	return c.websocket(c.hub(), path)
}

func (c *Client) websocket(hub *url.URL, path string) (string, *websocket.Dialer) {
	u := *hub
	u.Scheme = "wss"
	u.Path += path
	hubTLS := hubTLSConfig(c.build.roots)
	// A websocket upgrade is an HTTP/1.1 exchange.
	hubTLS.NextProtos = []string{"http/1.1"}
	hubTLS.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.cert == nil {
			return &tls.Certificate{}, nil
		}
		return c.cert.tls, nil
	}
	d := &websocket.Dialer{
		NetDialContext:   c.build.dial,
		TLSClientConfig:  hubTLS,
		HandshakeTimeout: websocketHandshakeTimeout,
		Subprotocols:     []string{protocol.TunnelSubprotocol},
		// A client masks and frames what it sends through its write buffer: the default
		// 4 KiB costs a frame and a TLS record (and a syscall) per 4 KiB of a tunnel's data.
		ReadBufferSize:  websocketBufferSize,
		WriteBufferSize: websocketBufferSize,
	}
	if p := c.build.proxy; p != nil {
		d.Proxy = func(r *http.Request) (*url.URL, error) { return p.forURL(httpsURL(r.URL)) }
		if p.tls != nil {
			td := &tlsDialer{dial: c.build.dial, proxyAddr: canonicalAddr(p.url), proxyTLS: p.tls, hubTLS: hubTLS}
			d.NetDialTLSContext = td.dialTLS
		}
	}
	return u.String(), d
}

// httpsURL maps a websocket URL to the HTTP URL that selects its proxy: the proxy rules
// (HTTPS_PROXY, NO_PROXY) are written for https.
func httpsURL(u *url.URL) *url.URL {
	v := *u
	switch v.Scheme {
	case "wss":
		v.Scheme = "https"
	case "ws":
		v.Scheme = "http"
	}
	return &v
}
