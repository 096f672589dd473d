/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package hubclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// dialFunc opens a connection, like net.Dialer.DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// buildTransports sets up the two HTTP clients: the agent's, presenting the current client
// certificate, and registration's, presenting none. Both use HTTP/2 when the hub offers it.
func (c *Client) buildTransports(o Options) error {
	roots, err := hubRoots(o.HubCAPEM)
	if err != nil {
		return err
	}
	px, err := newProxy(o.Proxy)
	if err != nil {
		return err
	}
	dial := dialFunc(o.DialContext)
	if dial == nil {
		dial = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	agentTLS := hubTLSConfig(roots)
	agentTLS.GetClientCertificate = c.clientCertificate
	c.http = &http.Client{Transport: newTransport(agentTLS, px, c.conns.dial(dial))}
	c.register = &http.Client{Transport: newTransport(hubTLSConfig(roots), px, dial)}
	return nil
}

func newTransport(tlsCfg *tls.Config, px *proxy, dial dialFunc) *http.Transport {
	t := &http.Transport{
		DialContext:         dial,
		TLSClientConfig:     tlsCfg,
		ForceAttemptHTTP2:   true,
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConnsPerHost: 2,
		// Pings find a connection that died silently (a NAT or a proxy dropped it), which
		// would otherwise leave a watch stream waiting forever.
		HTTP2: &http.HTTP2Config{SendPingTimeout: 30 * time.Second, PingTimeout: 15 * time.Second},
	}
	px.configure(t, tlsCfg, dial)
	return t
}

// hubTLSConfig trusts roots (nil: the system's) for the hub.
func hubTLSConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    roots,
		// Set explicitly because a custom TLS dialer (an https:// proxy) bypasses the
		// transport's own ALPN defaults.
		NextProtos: []string{"h2", "http/1.1"},
	}
}

func hubRoots(caPEM []byte) (*x509.CertPool, error) {
	if caPEM == nil {
		return nil, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("hub client: the hub CA holds no PEM certificate")
	}
	return pool, nil
}

// connTracker remembers the open connections of the agent transport, so that a new client
// certificate can close them all. Closing idle connections is not enough: an HTTP/2
// connection carrying a watch stream is never idle, and new requests would share it and
// keep presenting the old certificate (an expired one is refused on every request).
type connTracker struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func newConnTracker() *connTracker {
	return &connTracker{conns: map[*trackedConn]struct{}{}}
}

// dial wraps next so that its connections are tracked.
func (t *connTracker) dial(next dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: conn, tracker: t}
		t.mu.Lock()
		t.conns[tc] = struct{}{}
		t.mu.Unlock()
		return tc, nil
	}
}

// closeAll closes every open connection; requests on them fail and the next ones dial anew.
func (t *connTracker) closeAll() {
	t.mu.Lock()
	conns := make([]*trackedConn, 0, len(t.conns))
	for tc := range t.conns {
		conns = append(conns, tc)
	}
	t.mu.Unlock()
	for _, tc := range conns {
		_ = tc.Close()
	}
}

func (t *connTracker) forget(tc *trackedConn) {
	t.mu.Lock()
	delete(t.conns, tc)
	t.mu.Unlock()
}

type trackedConn struct {
	net.Conn
	tracker *connTracker
}

// Close closes the connection and stops tracking it.
func (tc *trackedConn) Close() error {
	tc.tracker.forget(tc)
	return tc.Conn.Close()
}
