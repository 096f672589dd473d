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
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/kubearc/kubearc/hub/pki"
	"github.com/kubearc/kubearc/hub/replica"
	"github.com/kubearc/kubearc/hub/tunnel"
)

// leaderLease is the name of the lease of the fleet-wide background work.
const leaderLease = "leader"

// setupReplica sets up what a replica shares with the others (tunnels, through mutual TLS
// with the hub CA's certificates) and its leader election; a hub alone always leads.
func (h *Hub) setupReplica() error {
	id := h.cfg.ReplicaID
	if id == "" {
		h.leader = replica.Always{}
		return nil
	}
	if err := pki.CheckReplicaID(id); err != nil {
		return fmt.Errorf("--replica-id: %w", err)
	}
	if err := checkPeerURL(h.cfg.PeerURL, h.cfg.Listen); err != nil {
		return err
	}
	h.peering = &tunnel.Peering{Replica: id, Transport: replica.PeerTransport(h.authority, id, h.cfg.Now),
		ReplicaOf: func(chain []*x509.Certificate) (string, error) { return h.authority.ReplicaOf(chain, h.cfg.Now()) }}
	h.leader = &replica.Lease{Store: h.store, Name: leaderLease, Holder: id, TTL: h.cfg.LeaderLeaseTTL, Log: h.cfg.Log}
	return nil
}

// checkPeerURL checks that the other replicas can reach this one: at peerURL, or else at
// the listen address, which must then name a host.
func checkPeerURL(peerURL, listen string) error {
	if peerURL != "" {
		if u, err := url.Parse(peerURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("--peer-url %q must be https://host:port, where the other replicas reach this one", peerURL)
		}
		return nil
	}
	if host, _, err := net.SplitHostPort(listen); err == nil && (host == "" || net.ParseIP(host).IsUnspecified()) {
		return fmt.Errorf("with --replica-id, set --peer-url to the https://host:port where the other replicas reach this one: "+
			"the listen address %q names no host they could use", listen)
	}
	return nil
}

// setPeerURL tells the peering where the other replicas reach this one, once it serves at
// addr.
func (h *Hub) setPeerURL(addr string) {
	if h.peering == nil {
		return
	}
	u := h.cfg.PeerURL
	if u == "" {
		u = "https://" + addr
	}
	h.peering.SetURL(u)
}

// fromReplica lets a connection that presents a replica's client certificate leave the cap
// of unauthenticated connections, as an authenticated user's does: relayed watches are
// long-lived. next refuses everything else itself.
func (h *Hub) fromReplica(next http.Handler) http.Handler {
	admitted := authenticated(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.peering != nil && r.TLS != nil {
			if _, err := h.peering.ReplicaOf(r.TLS.PeerCertificates); err == nil {
				admitted.ServeHTTP(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
