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

package server

import (
	"container/list"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync"
	"sync/atomic"
)

// admissionListener caps the connections that have not authenticated yet. When a new
// connection would exceed the cap, the oldest unauthenticated one is closed: slow clients
// hold their connections longest, so they are the ones cut, while a client that completes
// its handshake and first request within milliseconds is not starved, as it would be if new
// connections waited for a free slot. A connection leaves the count when it closes or when a
// request on it authenticates (a bearer token or a client certificate of the hub's CA), so
// the agents' long-lived watch and heartbeat connections and users' are never cut for it.
type admissionListener struct {
	net.Listener
	*admission
}

// admission counts the unauthenticated connections of a listener.
type admission struct {
	limit int

	mu sync.Mutex
	// waiting are the unauthenticated connections, oldest first.
	waiting *list.List
	evicted int64
}

// newAdmission caps unauthenticated connections at limit.
func newAdmission(limit int) *admission {
	return &admission{limit: max(limit, 1), waiting: list.New()}
}

// listener wraps ln so that its connections are counted.
func (l *admission) listener(ln net.Listener) *admissionListener {
	return &admissionListener{Listener: ln, admission: l}
}

// Accept accepts a connection, closing the oldest unauthenticated one when the cap is full.
func (l *admissionListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	ac := &admittedConn{Conn: c, admission: l.admission}
	if oldest := l.admit(ac); oldest != nil {
		_ = oldest.Conn.Close()
	}
	return ac, nil
}

// admit counts ac as unauthenticated and returns the connection it displaces, if any.
func (l *admission) admit(ac *admittedConn) *admittedConn {
	l.mu.Lock()
	defer l.mu.Unlock()
	var oldest *admittedConn
	if l.waiting.Len() >= l.limit {
		oldest = l.waiting.Remove(l.waiting.Front()).(*admittedConn)
		oldest.elem = nil
		l.evicted++
	}
	ac.elem = l.waiting.PushBack(ac)
	return oldest
}

// release stops counting ac.
func (l *admission) release(ac *admittedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ac.elem != nil {
		l.waiting.Remove(ac.elem)
		ac.elem = nil
	}
}

// counts returns the connections unauthenticated now and those cut for the cap so far.
func (l *admission) counts() (unauthenticated int, evicted int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waiting.Len(), l.evicted
}

// admittedConn is a connection counted as unauthenticated until it closes or authenticates.
type admittedConn struct {
	net.Conn
	admission *admission
	elem      *list.Element // guarded by admission.mu; nil once not counted
	done      atomic.Bool
}

// authenticate stops counting the connection: it carried an authenticated request.
func (c *admittedConn) authenticate() {
	if c.done.CompareAndSwap(false, true) {
		c.admission.release(c)
	}
}

// authenticated reports whether a request on the connection authenticated.
func (c *admittedConn) authenticated() bool { return c.done.Load() }

// Close closes the connection and stops counting it.
func (c *admittedConn) Close() error {
	c.admission.release(c)
	return c.Conn.Close()
}

// authenticateAtHandshake returns a tls.Config.GetConfigForClient for base under which a
// connection presenting a client certificate that verify accepts (one the hub's CA issued:
// an agent) stops counting as unauthenticated as soon as its handshake completes, before its
// first request: an agent reconnecting while the cap is full is not cut.
func authenticateAtHandshake(base *tls.Config, verify func([]*x509.Certificate) error) func(*tls.ClientHelloInfo) (*tls.Config, error) {
	return func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		ac, ok := hello.Conn.(*admittedConn)
		if !ok {
			return nil, nil // the base configuration
		}
		cfg := base.Clone()
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) > 0 && verify(cs.PeerCertificates) == nil {
				ac.authenticate()
			}
			return nil // the agent API answers a foreign certificate itself
		}
		return cfg, nil
	}
}

type admittedConnKey struct{}

// withAdmittedConn is the server's ConnContext: it makes a connection's admittedConn
// reachable from the requests on it.
func withAdmittedConn(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if ac, ok := c.(*admittedConn); ok {
		return context.WithValue(ctx, admittedConnKey{}, ac)
	}
	return ctx
}

// admittedConnFrom returns the connection of a request; nil when it did not come through an
// admissionListener (tests calling handlers directly).
func admittedConnFrom(ctx context.Context) *admittedConn {
	ac, _ := ctx.Value(admittedConnKey{}).(*admittedConn)
	return ac
}
