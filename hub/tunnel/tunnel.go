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

// Package tunnel is the hub's side of cluster connect: agents keep a request open to
// protocol.PathTunnel carrying a yamux session (pkg/tunnelmux), and users' Kubernetes API requests
// to the proxy endpoint, ProxyPrefix + "/" + the connectedCluster's ARM ID + the Kubernetes
// path, travel through the cluster's tunnel to its agent. The hub authenticates the user
// (bearer token), authorizes a role on the cluster, removes every client-sent
// Impersonate-* header and tells the agent who the user is; the agent impersonates that
// identity in the cluster, so the cluster's RBAC decides. docs/cluster-connect.md has more.
package tunnel

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/agentapi"
	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
)

// Server relays users' requests through the agents' tunnels. Create it with New.
type Server struct {
	agents *agentapi.API
	store  store.Store
	log    *slog.Logger
	now    func() time.Time

	revocations *auth.Revocations
	onConnect   func(string)
	peering     *Peering
	sessions    *sessions
	transports  sync.Map // cluster key → *http.Transport
}

// Options configure a Server.
type Options struct {
	// Agents authenticates the agents' tunnel requests (client certificate of the cluster).
	Agents *agentapi.API
	// Store is where the proxy looks up the connectedCluster.
	Store store.Store
	// Log is the logger (default slog.Default()).
	Log *slog.Logger
	// Now is the clock (default time.Now); certificates expire by it.
	Now func() time.Time
	// OnConnect, when set, is called with the cluster's ID (lower case) each time a tunnel
	// opens, e.g. to apply what waited for the cluster.
	OnConnect func(clusterID string)
	// Revocations ends proxied requests (watches, exec) when the user's token is revoked or
	// expires; share the hub's (auth.TokenCache's). Nil: its own, which ends them at expiry
	// only. Agents' tunnels end through Agents.StreamContext.
	Revocations *auth.Revocations
	// Peering, when set, shares the tunnels with the other replicas of the hub; nil for a
	// single hub.
	Peering *Peering
}

// New returns a Server for o.
func New(o Options) *Server {
	s := &Server{agents: o.Agents, store: o.Store, log: o.Log, now: o.Now, sessions: newSessions(), onConnect: o.OnConnect, peering: o.Peering}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.revocations = o.Revocations
	if s.revocations == nil {
		s.revocations = auth.NewRevocations(s.now)
	}
	return s
}

// clusterKey is the tunnel's key of a cluster: ARM IDs are case-insensitive.
func clusterKey(id string) string { return strings.ToLower(id) }

// Open returns the number of clusters with a tunnel to this hub.
func (s *Server) Open() int { return s.sessions.count() }

// Connected reports whether the cluster id has a tunnel to this hub.
func (s *Server) Connected(id string) bool {
	_, ok := s.sessions.get(clusterKey(id))
	return ok
}
