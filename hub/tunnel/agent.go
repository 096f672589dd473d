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

package tunnel

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hashicorp/yamux"

	"github.com/kubearc/kubearc/hub/agentapi"
	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// upgrader accepts the agents' websockets. Agents are not browsers: they send no Origin,
// which the default origin check accepts.
var upgrader = websocket.Upgrader{
	Subprotocols:    []string{protocol.TunnelSubprotocol},
	ReadBufferSize:  64 << 10,
	WriteBufferSize: 64 << 10,
}

// AgentHandler serves protocol.PathTunnel: a registered agent upgrades to a websocket that
// carries its cluster's tunnel. A cluster has one tunnel: a new one closes the older (the
// agent restarted, or another replica became leader, and the old connection may not have
// noticed yet). A tunnel ends when its request's context does (the hub shuts down) and when
// the client certificate it was opened with expires; the agent then reconnects with its
// renewed certificate.
func (s *Server) AgentHandler() http.Handler {
	return s.agents.AgentOnly(func(w http.ResponseWriter, r *http.Request) {
		key := clusterKey(agentapi.ClusterFrom(r.Context()))
		if !slices.Contains(websocket.Subprotocols(r), protocol.TunnelSubprotocol) {
			http.Error(w, "the tunnel needs the websocket subprotocol "+protocol.TunnelSubprotocol, http.StatusBadRequest)
			return
		}
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			s.log.Info("Tunnel request refused", "cluster", key, "error", err)
			return // the upgrader answered
		}
		mux, err := tunnelmux.Hub(ws, func(msg string) { s.log.Debug("Tunnel", "cluster", key, "message", msg) })
		if err != nil {
			_ = ws.Close()
			return
		}
		s.serve(r.Context(), key, session{mux: mux, cert: r.TLS.PeerCertificates[0]}) // verified by AgentOnly
	})
}

// serve keeps sess as the cluster's tunnel until it ends.
func (s *Server) serve(ctx context.Context, key string, sess session) {
	s.sessions.add(key, sess)
	go s.refuseStreams(key, sess.mux)
	defer func() {
		s.sessions.remove(key, sess.mux)
		_ = sess.mux.Close()
		if t, ok := s.transports.Load(key); ok { // its pooled streams died with the tunnel
			t.(*http.Transport).CloseIdleConnections()
		}
		s.log.Debug("Tunnel ended", "cluster", key)
	}()
	expire := time.NewTimer(sess.cert.NotAfter.Sub(s.now()))
	defer expire.Stop()
	s.log.Debug("Tunnel open", "cluster", key)
	select {
	case <-sess.mux.CloseChan():
	case <-ctx.Done():
	case <-expire.C:
	}
}

// refuseStreams ends the tunnel if the agent opens a stream: only the hub opens streams, and
// streams left waiting for an Accept would hold the hub's memory.
func (s *Server) refuseStreams(key string, mux *yamux.Session) {
	stream, err := mux.Accept()
	if err != nil {
		return // the tunnel ended
	}
	_ = stream.Close()
	s.log.Info("Closing a tunnel whose agent opened a stream; only the hub may", "cluster", key)
	_ = mux.Close()
}

// session is a cluster's current tunnel: its yamux session and the client certificate it
// was opened with.
type session struct {
	mux  *yamux.Session
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
		_ = prev.mux.Close()
	}
}

// count returns the number of clusters with a tunnel.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byKey)
}

// get returns the cluster's open tunnel.
func (ss *sessions) get(key string) (session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byKey[key]
	return s, ok && !s.mux.IsClosed()
}

// remove forgets mux if it is still the cluster's tunnel.
func (ss *sessions) remove(key string, mux *yamux.Session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byKey[key].mux == mux {
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
		_ = sess.mux.Close()
	case err != nil:
		s.log.Error("Checking a tunnel's cluster failed", "cluster", clusterID, "error", err)
	}
}
