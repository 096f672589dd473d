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
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"
	"github.com/hashicorp/yamux"

	"github.com/kubearc/kubearc/hub/agentapi"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// upgrader accepts the websockets of agents before the tunnel's POST. Agents are not
// browsers: they send no Origin, which the default origin check accepts. A tunnel reads
// through the HTTP server's buffer and borrows a write buffer per message: an idle tunnel
// holds none, and most tunnels are idle (docs/benchmarks.md, "Hub replicas").
var upgrader = websocket.Upgrader{
	Subprotocols:    []string{protocol.TunnelSubprotocol},
	WriteBufferSize: 64 << 10,
	WriteBufferPool: &sync.Pool{},
}

// AgentHandler serves protocol.PathTunnel: a registered agent opens its cluster's tunnel
// with a POST whose bodies stay open (tunnelmux.Accept), on the HTTP/2 connection of its
// other requests, or, before that, with a websocket (tunnelmux.Websocket). A cluster has one
// tunnel: a new one closes the older (the agent restarted, or another replica became leader,
// and the old connection may not have noticed yet). A tunnel ends when its request's context
// does (the agent went, or the hub shuts down), when the client certificate it was opened
// with expires (the agent then reconnects with its renewed certificate), and at once when
// the cluster is deleted or gets another agent key: the agent API's StreamContext.
func (s *Server) AgentHandler() http.Handler {
	return s.agents.AgentOnly(func(w http.ResponseWriter, r *http.Request) {
		key := clusterKey(agentapi.ClusterFrom(r.Context()))
		ctx, release := s.agents.StreamContext(r)
		defer release()
		if ctx.Err() != nil {
			http.Error(w, "the cluster credential was revoked; register again", http.StatusForbidden)
			return
		}
		conn, err := accept(w, r)
		if err != nil {
			s.log.Info("Tunnel request refused", "cluster", key, "error", err)
			return // accept answered
		}
		mux, err := tunnelmux.Hub(conn, func(msg string) { s.log.Debug("Tunnel", "cluster", key, "message", msg) })
		if err != nil {
			_ = conn.Close()
			return
		}
		s.serve(ctx, key, mux)
	})
}

// accept answers the agent's tunnel request and returns the hub's end of its byte stream.
func accept(w http.ResponseWriter, r *http.Request) (io.ReadWriteCloser, error) {
	if r.Method == http.MethodPost {
		return tunnelmux.Accept(w, r)
	}
	if !slices.Contains(websocket.Subprotocols(r), protocol.TunnelSubprotocol) {
		http.Error(w, "the tunnel needs the websocket subprotocol "+protocol.TunnelSubprotocol, http.StatusBadRequest)
		return nil, errors.New("the websocket has no tunnel subprotocol")
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil, err // the upgrader answered
	}
	return tunnelmux.Websocket(ws), nil
}

// serve keeps mux as the cluster's tunnel until it ends or ctx does.
func (s *Server) serve(ctx context.Context, key string, mux *yamux.Session) {
	sess := s.sessions.add(key, mux)
	sess.recorded.Store(s.recordTunnel(ctx, key))
	go s.refuseStreams(key, mux)
	defer func() {
		if s.sessions.remove(key, sess) {
			s.forgetTunnel(ctx, key)
		}
		_ = mux.Close()
		if t, ok := s.transports.Load(key); ok { // its pooled streams died with the tunnel
			t.(*http.Transport).CloseIdleConnections()
		}
		s.log.Debug("Tunnel ended", "cluster", key, "cause", context.Cause(ctx))
	}()
	s.log.Debug("Tunnel open", "cluster", key)
	if s.onConnect != nil {
		s.onConnect(key)
	}
	s.holdRecorded(ctx, key, sess)
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

// session is a cluster's tunnel on this replica.
type session struct {
	mux *yamux.Session
	// recorded: the store's record that this replica holds the tunnel was written.
	recorded atomic.Bool
	// rewrite asks the tunnel's goroutine to write the record again (KeepRecords). That
	// goroutine alone writes and removes the record, so a write never follows the removal.
	rewrite chan struct{}
}

// requestRewrite asks the tunnel's goroutine to write its record again, unless it was asked
// already.
func (sess *session) requestRewrite() {
	select {
	case sess.rewrite <- struct{}{}:
	default:
	}
}

// sessions keeps each cluster's current tunnel.
type sessions struct {
	mu    sync.Mutex
	byKey map[string]*session
}

func newSessions() *sessions { return &sessions{byKey: map[string]*session{}} }

// add makes mux the cluster's tunnel, closes the one it replaces and returns its session.
func (ss *sessions) add(key string, mux *yamux.Session) *session {
	sess := &session{mux: mux, rewrite: make(chan struct{}, 1)}
	ss.mu.Lock()
	prev, ok := ss.byKey[key]
	ss.byKey[key] = sess
	ss.mu.Unlock()
	if ok {
		_ = prev.mux.Close()
	}
	return sess
}

// count returns the number of clusters with a tunnel.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byKey)
}

// get returns the cluster's open tunnel.
func (ss *sessions) get(key string) (*yamux.Session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess, ok := ss.byKey[key]
	if !ok || sess.mux.IsClosed() {
		return nil, false
	}
	return sess.mux, true
}

// all returns every cluster's session by cluster key, a copy to range over without the lock.
func (ss *sessions) all() map[string]*session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return maps.Clone(ss.byKey)
}

// remove forgets sess if it is still the cluster's tunnel, and reports whether it was.
func (ss *sessions) remove(key string, sess *session) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byKey[key] != sess {
		return false
	}
	delete(ss.byKey, key)
	return true
}
