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

package tunnel

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/agentapi"
	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/store"
)

// AgentHandler serves protocol.PathTunnel: a registered agent upgrades to a websocket that
// carries its cluster's tunnel. A cluster has one tunnel: a new one closes the older (the
// agent restarted, or another replica became leader, and the old connection may not have
// noticed yet). A tunnel ends when its request's context does (the hub shuts down) and when
// the client certificate it was opened with expires; the agent then reconnects with its
// renewed certificate.
func (s *Server) AgentHandler() http.Handler {
	return s.agents.AgentOnly(func(w http.ResponseWriter, r *http.Request) {
		key := clusterKey(agentapi.ClusterFrom(r.Context()))
		cert := r.TLS.PeerCertificates[0] // verified by AgentOnly
		var done func()
		tw := &hijackWatcher{ResponseWriter: w, onConn: func(conn net.Conn) {
			s.sessions.add(key, session{conn: conn, cert: cert})
			stop := context.AfterFunc(r.Context(), func() { _ = conn.Close() })
			expire := time.AfterFunc(cert.NotAfter.Sub(s.now()), func() { _ = conn.Close() })
			done = func() {
				stop()
				expire.Stop()
				s.sessions.remove(key, conn)
				_ = conn.Close()
			}
		}}
		s.log.Debug("Tunnel requested", "cluster", key)
		s.dialer.ServeHTTP(tw, r) // returns when the tunnel ends
		if done != nil {
			done()
			s.log.Debug("Tunnel ended", "cluster", key)
		}
	})
}

// hijackWatcher records the connection remotedialer takes over for the websocket.
type hijackWatcher struct {
	http.ResponseWriter
	onConn func(net.Conn)
}

// Hijack takes over the connection, as http.Hijacker.
func (h *hijackWatcher) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err == nil {
		h.onConn(conn)
	}
	return conn, rw, err
}

// session is a cluster's current tunnel: its websocket connection and the client
// certificate it was opened with.
type session struct {
	conn net.Conn
	cert *x509.Certificate
}

// sessions keeps each cluster's current tunnel.
type sessions struct {
	mu    sync.Mutex
	byKey map[string]session
}

func newSessions() *sessions { return &sessions{byKey: map[string]session{}} }

// add makes s the cluster's tunnel and closes the one it replaces.
func (ss *sessions) add(key string, s session) {
	ss.mu.Lock()
	prev, ok := ss.byKey[key]
	ss.byKey[key] = s
	ss.mu.Unlock()
	if ok {
		_ = prev.conn.Close()
	}
}

// count returns the number of clusters with a tunnel.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byKey)
}

// get returns the cluster's tunnel.
func (ss *sessions) get(key string) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byKey[key]
	return s, ok
}

// remove forgets conn if it is still the cluster's tunnel.
func (ss *sessions) remove(key string, conn net.Conn) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byKey[key].conn == conn {
		delete(ss.byKey, key)
	}
}

// revalidate closes the cluster's tunnel when the cluster was deleted or its agent key
// changed since the tunnel opened: its credential no longer admits it.
func (s *Server) revalidate(clusterID string) {
	sess, ok := s.sessions.get(clusterKey(clusterID))
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	key, err := s.agents.CurrentAgentKey(ctx, clusterID)
	switch {
	case errors.Is(err, store.ErrNotFound), err == nil && !pki.SameKey(sess.cert, key):
		s.log.Info("Closing the tunnel of a deleted or re-keyed cluster", "cluster", clusterID)
		_ = sess.conn.Close()
	case err != nil:
		s.log.Error("Checking a tunnel's cluster failed", "cluster", clusterID, "error", err)
	}
}
