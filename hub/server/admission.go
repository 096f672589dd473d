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
	"time"
)

// admissionLimits bound the connections that have not authenticated yet.
type admissionLimits struct {
	// total caps the unauthenticated connections of the listener.
	total int
	// perSource caps those of one source address (an IPv4 address, an IPv6 /64); 0: none.
	perSource int
	// minAge is how long a new connection is safe from being displaced: its time to
	// complete its handshake and first request.
	minAge time.Duration
	// perCluster caps the connections of one cluster's agent that a client certificate
	// authenticates; past it, another counts as unauthenticated. 0: none.
	perCluster int
}

// admissionListener caps the connections that have not authenticated yet. When a new
// connection would exceed the cap, the oldest unauthenticated one is closed if it has had
// minAge to authenticate: slow clients hold their connections longest, so they are the ones
// cut, while a client that completes its handshake and first request within minAge is not
// starved. When every unauthenticated connection is younger than that, the new one is
// closed instead: a flood of connections cannot displace clients in the middle of their
// handshake. One source address holds at most perSource of the places, so that a flood from
// one address leaves the others' places alone. A connection leaves the count when it closes
// or when a request on it authenticates (a bearer token, or a client certificate of a
// cluster's current agent key), so the agents' long-lived watch and heartbeat connections
// and users' are never cut for it.
type admissionListener struct {
	net.Listener
	*admission
}

// admission counts the unauthenticated connections of a listener.
type admission struct {
	limits admissionLimits
	now    func() time.Time

	mu sync.Mutex
	// waiting are the unauthenticated connections, oldest first.
	waiting *list.List
	// bySource counts the unauthenticated connections of each source address.
	bySource map[string]int
	// byCluster counts the connections a cluster's client certificate authenticated.
	byCluster map[string]int
	// closed counts the connections closed for the limits, displaced or refused.
	closed int64
}

// newAdmission applies limits by the clock now.
func newAdmission(limits admissionLimits, now func() time.Time) *admission {
	limits.total = max(limits.total, 1)
	return &admission{limits: limits, now: now, waiting: list.New(), bySource: map[string]int{}, byCluster: map[string]int{}}
}

// listener wraps ln so that its connections are counted.
func (l *admission) listener(ln net.Listener) *admissionListener {
	return &admissionListener{Listener: ln, admission: l}
}

// Accept accepts the next connection the limits admit, closing those they refuse and the
// one an admitted connection displaces.
func (l *admissionListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ac := &admittedConn{Conn: c, admission: l.admission, source: sourceOf(c.RemoteAddr()), since: l.now()}
		displaced, ok := l.admit(ac)
		if displaced != nil {
			_ = displaced.Conn.Close()
		}
		if ok {
			return ac, nil
		}
		_ = c.Close()
	}
}

// admit counts ac as unauthenticated and returns the connection it displaces, if any; false
// when the limits refuse ac.
func (l *admission) admit(ac *admittedConn) (displaced *admittedConn, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limits.perSource > 0 && l.bySource[ac.source] >= l.limits.perSource {
		l.closed++
		return nil, false
	}
	if l.waiting.Len() >= l.limits.total {
		oldest := l.waiting.Front().Value.(*admittedConn)
		if ac.since.Sub(oldest.since) < l.limits.minAge {
			l.closed++
			return nil, false
		}
		l.uncount(oldest)
		l.closed++
		displaced = oldest
	}
	ac.elem = l.waiting.PushBack(ac)
	l.bySource[ac.source]++
	return displaced, true
}

// uncount stops counting ac as unauthenticated; l.mu is held.
func (l *admission) uncount(ac *admittedConn) {
	if ac.elem == nil {
		return
	}
	l.waiting.Remove(ac.elem)
	ac.elem = nil
	if l.bySource[ac.source]--; l.bySource[ac.source] <= 0 {
		delete(l.bySource, ac.source)
	}
}

// holdCluster counts ac as one of cluster's authenticated connections, unless cluster has
// its cap of them.
func (l *admission) holdCluster(ac *admittedConn, cluster string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ac.cluster != "" || ac.closed {
		return ac.cluster != ""
	}
	if l.limits.perCluster > 0 && l.byCluster[cluster] >= l.limits.perCluster {
		return false
	}
	l.byCluster[cluster]++
	ac.cluster = cluster
	return true
}

// leave stops counting ac as unauthenticated.
func (l *admission) leave(ac *admittedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uncount(ac)
}

// release stops counting ac, which is closing, as unauthenticated or as its cluster's.
func (l *admission) release(ac *admittedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uncount(ac)
	ac.closed = true
	if ac.cluster != "" {
		if l.byCluster[ac.cluster]--; l.byCluster[ac.cluster] <= 0 {
			delete(l.byCluster, ac.cluster)
		}
		ac.cluster = ""
	}
}

// counts returns the connections unauthenticated now and those closed for the limits so far.
func (l *admission) counts() (unauthenticated int, closed int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waiting.Len(), l.closed
}

// sourceOf returns the source an address counts against: an IPv4 address, or the /64 of an
// IPv6 address (one host commonly has a whole /64).
func sourceOf(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	if ip4 := tcp.IP.To4(); ip4 != nil {
		return ip4.String()
	}
	return tcp.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// admittedConn is a connection counted as unauthenticated until it closes or authenticates.
type admittedConn struct {
	net.Conn
	admission *admission
	source    string        // the source address it counts against
	since     time.Time     // when it was accepted
	elem      *list.Element // guarded by admission.mu; nil once not counted
	cluster   string        // guarded by admission.mu; the cluster whose agent it is, if any
	closed    bool          // guarded by admission.mu
	done      atomic.Bool
}

// authenticate stops counting the connection: it carried an authenticated request.
func (c *admittedConn) authenticate() {
	if c.done.CompareAndSwap(false, true) {
		c.admission.leave(c)
	}
}

// authenticateAgent stops counting the connection of cluster's agent, unless the cluster
// has its cap of connections: then it stays unauthenticated.
func (c *admittedConn) authenticateAgent(cluster string) {
	if c.admission.holdCluster(c, cluster) {
		c.authenticate()
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
// connection presenting a client certificate that agentOf accepts (one the hub's CA issued
// for a cluster's current agent key) stops counting as unauthenticated as soon as its
// handshake completes, before its first request: an agent reconnecting while the cap is full
// is not cut. agentOf names the certificate's cluster, whose cap of connections applies. A
// certificate of a deleted or re-keyed cluster, or an expired one, leaves the connection
// unauthenticated.
func authenticateAtHandshake(base *tls.Config, agentOf func(context.Context, []*x509.Certificate) (string, error)) func(*tls.ClientHelloInfo) (*tls.Config, error) {
	return func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		ac, ok := hello.Conn.(*admittedConn)
		if !ok {
			return nil, nil // the base configuration
		}
		cfg := base.Clone()
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return nil
			}
			if cluster, err := agentOf(hello.Context(), cs.PeerCertificates); err == nil {
				ac.authenticateAgent(cluster)
			}
			return nil // the agent API answers a foreign or revoked certificate itself
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
