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
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// PeerProxyPrefix starts the path on which a replica relays a user's request, already
// authenticated and authorized, to the replica holding the cluster's tunnel:
// PeerProxyPrefix + the cluster's ARM ID + the Kubernetes path.
const PeerProxyPrefix = "/kubearc/v1/peer/proxy"

// HeaderPeerPrincipal carries, from one replica to another, the user the first one
// authenticated (auth.Principal as JSON). Only a request with a replica's client certificate
// may set it: the proxy endpoint removes it from users' requests with every X-Kubearc-*
// header, and the peer endpoint refuses requests without a replica's certificate.
const HeaderPeerPrincipal = "X-Kubearc-Peer-Principal"

// registryTimeout bounds one write of the tunnel registry.
const registryTimeout = 10 * time.Second

// Peering lets several hub replicas share their tunnels: a replica records in the store
// which cluster's tunnel it holds, and relays a request for a cluster whose tunnel another
// replica holds to that replica, over mutual TLS.
type Peering struct {
	// Replica is this replica's ID.
	Replica string
	// Transport calls the other replicas with this replica's client certificate
	// (replica.PeerTransport).
	Transport http.RoundTripper
	// ReplicaOf returns the ID of the replica whose client certificate chain this is (leaf
	// first), verified against the hub CA, or an error when it is no replica's.
	ReplicaOf func(chain []*x509.Certificate) (string, error)

	url atomic.Pointer[string]
}

// SetURL sets the base URL at which the other replicas reach this one, e.g.
// https://10.0.0.5:8443; until it is set, this replica records no tunnel.
func (p *Peering) SetURL(u string) { p.url.Store(&u) }

// URL returns the base URL set by SetURL, or "".
func (p *Peering) URL() string {
	if u := p.url.Load(); u != nil {
		return *u
	}
	return ""
}

// registryInterval is how often a replica checks the store's records of the tunnels it
// holds, all with one read, and writes again those whose write failed or that went missing
// or stale.
var registryInterval = 30 * time.Second

// KeepRecords keeps, until ctx ends, the store's records of the tunnels this replica holds:
// every registryInterval it lists them with one read and has each tunnel whose record needs
// it written again (holdRecorded). It returns at once without peering: a single hub records
// no tunnel.
func (s *Server) KeepRecords(ctx context.Context) {
	if s.peering == nil {
		return
	}
	wait.UntilWithContext(ctx, s.checkRecords, registryInterval)
}

// checkRecords lists this replica's records once and asks each tunnel it holds whose record
// needs it (needsRewrite) to write it again. A failed list skips the interval: with the
// store out of reach, writes would fail too, one error per tunnel.
func (s *Server) checkRecords(ctx context.Context) {
	listCtx, cancel := context.WithTimeout(ctx, registryTimeout)
	defer cancel()
	records, err := s.store.ListTunnelHolders(listCtx, s.peering.Replica)
	if err != nil {
		s.log.Info("Reading this replica's tunnel records failed; will retry", "error", err, "retryIn", registryInterval)
		return
	}
	urls := make(map[string]string, len(records))
	for _, h := range records {
		urls[h.ClusterID] = h.PeerURL
	}
	for key, sess := range s.sessions.all() {
		if s.needsRewrite(ctx, key, sess, urls) {
			sess.requestRewrite()
		}
	}
}

// needsRewrite reports whether the record of cluster key's tunnel must be written again:
// its first write failed (the store was out of reach, or this replica's URL not yet known),
// or listed, the URLs of this replica's records by cluster key, shows it at another URL than
// this replica's, or lacks it and the store has none (recordDiffers). A record naming
// another replica is left alone once this one's was written: the agent's newer tunnel is
// there. That one read happens only for a tunnel that left this replica's list, rarely.
func (s *Server) needsRewrite(ctx context.Context, key string, sess *session, listed map[string]string) bool {
	if !sess.recorded.Load() {
		return true
	}
	if u, ok := listed[key]; ok {
		return u != s.peering.URL()
	}
	return s.recordDiffers(ctx, key)
}

// holdRecorded waits until the tunnel or ctx ends, writing the store's record that this
// replica holds cluster key's tunnel again each time KeepRecords asks. Each write waits a
// random part of half an interval first: after a store outage every tunnel's record needs
// writing, and thousands of writes at once would time out together.
func (s *Server) holdRecorded(ctx context.Context, key string, sess *session) {
	var spread <-chan time.Time
	for {
		select {
		case <-sess.mux.CloseChan():
			return
		case <-ctx.Done():
			return
		case <-sess.rewrite:
			spread = time.After(rand.N(registryInterval/2 + 1))
		case <-spread:
			spread = nil
			sess.recorded.Store(s.recordTunnel(ctx, key))
		}
	}
}

// recordTunnel records in the store that this replica holds cluster key's tunnel, and
// reports whether it did.
func (s *Server) recordTunnel(ctx context.Context, key string) bool {
	if s.peering == nil || s.peering.URL() == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), registryTimeout)
	defer cancel()
	h := store.TunnelHolder{ClusterID: key, Replica: s.peering.Replica, PeerURL: s.peering.URL()}
	if err := s.store.PutTunnelHolder(ctx, h); err != nil {
		s.log.Error("Recording the tunnel's replica failed; other replicas cannot relay to it until a retry succeeds",
			"cluster", key, "error", err, "retryIn", registryInterval)
		return false
	}
	return true
}

// recordDiffers reports whether the store has no record of cluster key's tunnel, or one
// naming this replica at another URL than its own.
func (s *Server) recordDiffers(ctx context.Context, key string) bool {
	ctx, cancel := context.WithTimeout(ctx, registryTimeout)
	defer cancel()
	h, err := s.store.GetTunnelHolder(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return true
	case err != nil:
		s.log.Info("Reading the tunnel's record failed; will retry", "cluster", key, "error", err)
		return false
	}
	return h.Replica == s.peering.Replica && h.PeerURL != s.peering.URL()
}

// forgetTunnel removes the store's record of cluster key's tunnel, if it is still this
// replica's.
func (s *Server) forgetTunnel(ctx context.Context, key string) {
	if s.peering == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), registryTimeout)
	defer cancel()
	if err := s.store.DeleteTunnelHolder(ctx, key, s.peering.Replica); err != nil {
		s.log.Info("Removing the record of an ended tunnel failed", "cluster", key, "error", err)
	}
}

// holderElsewhere returns the record of cluster id's tunnel when another replica holds it.
func (s *Server) holderElsewhere(ctx context.Context, id armid.ClusterID) *store.TunnelHolder {
	if s.peering == nil {
		return nil
	}
	h, err := s.store.GetTunnelHolder(ctx, id.String())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("Reading the tunnel's replica failed", "cluster", id.String(), "error", err)
		}
		return nil
	}
	if h.Replica == s.peering.Replica || h.PeerURL == "" {
		return nil // this replica's tunnel ended: a stale record
	}
	return h
}

// peerProxy relays one request for cluster id, authenticated as p, to the replica h names.
// The user's hub token stays on this replica, which also keeps the request's revocation;
// the peer learns the user from HeaderPeerPrincipal and the cluster token, if any.
func (s *Server) peerProxy(h *store.TunnelHolder, id armid.ClusterID, p auth.Principal, escapedPath string) (*httputil.ReverseProxy, error) {
	base, err := url.Parse(h.PeerURL)
	if err != nil {
		return nil, err
	}
	principal, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	target := strings.TrimSuffix(base.EscapedPath(), "/") + PeerProxyPrefix + id.String() + escapedPath
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = base.Scheme, base.Host
			pr.Out.URL.RawPath = target
			pr.Out.URL.Path, _ = url.PathUnescape(target)
			pr.Out.Host = ""
			clusterToken := pr.In.Header.Get(protocol.HeaderClusterToken)
			clearIdentity(pr.Out.Header)
			if clusterToken != "" {
				pr.Out.Header.Set(protocol.HeaderClusterToken, clusterToken)
			}
			pr.Out.Header.Set(HeaderPeerPrincipal, string(principal))
		},
		Transport:     s.peering.Transport,
		FlushInterval: -1,
		ErrorLog:      slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			s.log.Info("Relaying to the replica holding the tunnel failed", "cluster", id.String(), "replica", h.Replica, "error", err)
			writeRelayError(w, r, err, id)
		},
	}, nil
}

// PeerHandler serves PeerProxyPrefix: another replica relays a user's request for a
// cluster whose tunnel this replica holds. It needs a replica's client certificate; the
// user was authenticated and authorized by the relaying replica.
func (s *Server) PeerHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.peering == nil {
			writeStatus(w, http.StatusNotFound, "NotFound", "this hub runs without replicas")
			return
		}
		if r.TLS == nil {
			writeStatus(w, http.StatusForbidden, "Forbidden", "only hub replicas may relay requests here")
			return
		}
		peer, err := s.peering.ReplicaOf(r.TLS.PeerCertificates)
		if err != nil {
			writeStatus(w, http.StatusForbidden, "Forbidden", "only hub replicas may relay requests here: "+err.Error())
			return
		}
		var p auth.Principal
		if err := json.Unmarshal([]byte(r.Header.Get(HeaderPeerPrincipal)), &p); err != nil || p.Name == "" {
			writeStatus(w, http.StatusBadRequest, "BadRequest", "a relayed request needs the user in "+HeaderPeerPrincipal)
			return
		}
		id, path, err := splitProxyPath(ProxyPrefix + strings.TrimPrefix(r.URL.EscapedPath(), PeerProxyPrefix))
		if err != nil {
			writeStatus(w, http.StatusNotFound, "NotFound", err.Error())
			return
		}
		if !s.Connected(id.String()) {
			writeStatus(w, http.StatusServiceUnavailable, "ServiceUnavailable", "cluster "+id.String()+
				" has no tunnel to the hub now: its agent is reconnecting; retry")
			return
		}
		s.log.Debug("Relaying a request from another replica", "cluster", id.String(), "replica", peer)
		s.reverseProxy(id, p, path).ServeHTTP(w, r)
	})
}
