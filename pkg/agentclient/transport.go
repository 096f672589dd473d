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
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// dialFunc opens a connection, like net.Dialer.DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// transportBuilder makes the client's HTTP transports from its options. All of them use
// HTTP/2 when the hub offers it.
type transportBuilder struct {
	roots *x509.CertPool // nil: the system's
	proxy *proxy         // nil: direct
	dial  dialFunc
}

func newTransportBuilder(o Options) (transportBuilder, error) {
	roots, err := hubRoots(o.HubCAPEM)
	if err != nil {
		return transportBuilder{}, err
	}
	px, err := newProxy(o.Proxy)
	if err != nil {
		return transportBuilder{}, err
	}
	dial := dialFunc(o.DialContext)
	if dial == nil {
		dial = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return transportBuilder{roots: roots, proxy: px, dial: dial}, nil
}

// agentTransport presents one client certificate, and tracks its connections so that they
// can all be closed when the certificate is replaced.
type agentTransport struct {
	client *http.Client
	conns  *connTracker
}

// agent makes the transport presenting cert (nil: no certificate; the hub answers 401).
func (b transportBuilder) agent(cert *certificate) *agentTransport {
	tlsCfg := hubTLSConfig(b.roots)
	tlsCfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		if cert == nil {
			return &tls.Certificate{}, nil
		}
		return cert.tls, nil
	}
	conns := newConnTracker()
	return &agentTransport{client: &http.Client{Transport: b.transport(tlsCfg, conns.dial(b.dial))}, conns: conns}
}

// close closes the transport's connections, idle or busy.
func (a *agentTransport) close() {
	a.client.CloseIdleConnections()
	a.conns.closeAll()
}

func (b transportBuilder) transport(tlsCfg *tls.Config, dial dialFunc) *http.Transport {
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
	b.proxy.configure(t, tlsCfg, dial)
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

// connTracker remembers the open connections of an agent transport, so that they can be
// closed when its certificate is replaced, even those that are not idle.
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
