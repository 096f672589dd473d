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
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ProxyPrefix starts the path of the proxy endpoint. A Kubernetes request for cluster ID
// goes to ProxyPrefix + ID + its Kubernetes path, e.g.
// /kubearc/v1/proxy/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/api/v1/pods.
const ProxyPrefix = "/kubearc/v1/proxy"

// ProxyURL returns the Kubernetes server URL of cluster id on the hub at hubURL.
func ProxyURL(hubURL string, id armid.ClusterID) string {
	return strings.TrimSuffix(hubURL, "/") + ProxyPrefix + id.String()
}

// Identity is who the agent impersonates for a hub token: the user
// "kubearc:token:<token name>" in the groups "kubearc:users" and
// "kubearc:role:<role, lower case>", so RoleBindings can name a token or every token of a role.
func Identity(p auth.Principal) (user string, groups []string) {
	return "kubearc:token:" + p.Name, []string{"kubearc:users", "kubearc:role:" + strings.ToLower(string(p.Role))}
}

// ProxyHandler serves the proxy endpoint. It must run behind auth.Authenticator.Middleware.
// The caller needs the Reader role (or above) on the connectedCluster, the equivalent of
// Arc's "Azure Arc Enabled Kubernetes Cluster User Role"; what the request may do in the
// cluster is then up to the cluster's RBAC for the caller's Identity.
func (s *Server) ProxyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, path, err := splitProxyPath(r.URL.EscapedPath())
		if err != nil {
			writeStatus(w, http.StatusNotFound, "NotFound", err.Error())
			return
		}
		p, ok := auth.PrincipalFrom(r.Context())
		if !ok || !p.Can(auth.Read, id.String()) {
			writeStatus(w, http.StatusForbidden, "Forbidden", fmt.Sprintf(
				"the hub token %q has no role on %s; cluster connect needs the Reader role (or above) on the cluster, its resource group or subscription", p.Name, id))
			return
		}
		relay, status, reason, msg := s.route(r.Context(), id, p, path)
		if status != 0 {
			writeStatus(w, status, reason, msg)
			return
		}
		// A watch or exec lasts as long as the token stays valid: revoking it, or its
		// expiry, cuts the relayed request (ReverseProxy closes the upstream connection).
		cred, _ := auth.CredentialFrom(r.Context()) // set by the Middleware, with the principal
		ctx, release := s.revocations.Hold(r.Context(), cred)
		defer release()
		relay.ServeHTTP(w, r.WithContext(ctx))
	})
}

// route returns the relay of a request for cluster id as p: through this replica's tunnel,
// or to the replica holding it; otherwise the status, reason and message of the answer.
func (s *Server) route(ctx context.Context, id armid.ClusterID, p auth.Principal, escapedPath string) (http.Handler, int, string, string) {
	if !s.Connected(id.String()) {
		if h := s.holderElsewhere(ctx, id); h != nil {
			relay, err := s.peerProxy(h, id, p, escapedPath)
			if err == nil {
				return relay, 0, "", ""
			}
			s.log.Error("The tunnel's replica has a bad address", "cluster", id.String(), "replica", h.Replica, "error", err)
		}
	}
	if status, reason, msg := s.checkCluster(ctx, id); status != 0 {
		return nil, status, reason, msg
	}
	return s.reverseProxy(id, p, escapedPath), 0, "", ""
}

// checkCluster answers why a request for id cannot be relayed now, or 0. A cluster with a
// tunnel exists: deleting it closes its tunnel (revalidate), so only a cluster without one
// is looked up, to tell a missing cluster from an offline one.
func (s *Server) checkCluster(ctx context.Context, id armid.ClusterID) (int, string, string) {
	if s.Connected(id.String()) {
		return 0, "", ""
	}
	_, err := s.store.GetResource(ctx, id.String())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "NotFound", "no connectedCluster " + id.String() + " on this hub"
	case err != nil:
		s.log.Error("Reading the cluster for the proxy failed", "cluster", id.String(), "error", err)
		return http.StatusInternalServerError, "InternalError", "the hub had an internal error; retry later"
	}
	return http.StatusServiceUnavailable, "ServiceUnavailable", "cluster " + id.String() +
		" has no tunnel to the hub: its agent is offline or cluster connect is off (set spec.clusterConnect.enabled in its ArcConnection)"
}

// splitProxyPath splits an escaped proxy path into the cluster ID and the Kubernetes path.
func splitProxyPath(escaped string) (armid.ClusterID, string, error) {
	rest, ok := strings.CutPrefix(escaped, ProxyPrefix+"/")
	parts := strings.SplitN(rest, "/", 9)
	if !ok || len(parts) < 8 {
		return armid.ClusterID{}, "", fmt.Errorf("the proxy path must be %s/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{name}/{kubernetes path}", ProxyPrefix)
	}
	id, err := armid.ParseClusterID("/" + strings.Join(parts[:8], "/"))
	if err != nil {
		return id, "", fmt.Errorf("the proxy path does not name a connectedCluster: %w", err)
	}
	path := "/"
	if len(parts) == 9 {
		path += parts[8]
	}
	return id, path, nil
}

// reverseProxy relays one request to cluster id's agent as p. httputil.ReverseProxy
// handles watches (FlushInterval -1 flushes every write) and upgrades (exec, attach,
// port-forward), and removes hop-by-hop headers, including those the client names in
// Connection, before Rewrite runs, so the identity headers set there always arrive.
func (s *Server) reverseProxy(id armid.ClusterID, p auth.Principal, escapedPath string) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = "http", "cluster"
			pr.Out.URL.RawPath = escapedPath
			pr.Out.URL.Path, _ = url.PathUnescape(escapedPath)
			pr.Out.Host = ""
			setIdentity(pr.Out.Header, pr.In.Header.Get(protocol.HeaderClusterToken), p)
		},
		Transport:     s.transport(clusterKey(id.String())),
		FlushInterval: -1,
		// A relayed stream cut by a revocation or a client going away is no hub error.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			s.log.Info("Relaying through the tunnel failed", "cluster", id.String(), "error", err)
			writeRelayError(w, r, err, id)
		},
	}
}

// writeRelayError answers a request that could not be relayed to cluster id: 401 when its
// token was revoked or expired meanwhile, 408 when its body did not arrive in time (a read
// deadline), 502 when the tunnel failed.
func writeRelayError(w http.ResponseWriter, r *http.Request, err error, id armid.ClusterID) {
	cause := context.Cause(r.Context())
	switch {
	case errors.Is(cause, auth.ErrRevoked), errors.Is(cause, auth.ErrExpired):
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "the hub token was revoked or expired during the request: "+cause.Error())
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeStatus(w, http.StatusRequestTimeout, "Timeout", "the request body did not arrive in time")
	default:
		writeStatus(w, http.StatusBadGateway, "ServiceUnavailable",
			"the request could not be relayed through the tunnel of cluster "+id.String()+"; retry")
	}
}

// transport returns the HTTP transport through cluster key's tunnel; one per cluster, so
// that a pooled connection never carries another cluster's request. Each connection is a
// new stream of the cluster's current tunnel.
func (s *Server) transport(key string) *http.Transport {
	if t, ok := s.transports.Load(key); ok {
		return t.(*http.Transport)
	}
	t := &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			sess, ok := s.sessions.get(key)
			if !ok {
				return nil, errNoTunnel
			}
			return sess.Open()
		},
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		// Compression is the API server's business; a transparent gzip would hide the
		// client's Accept-Encoding.
		DisableCompression: true,
	}
	actual, _ := s.transports.LoadOrStore(key, t)
	return actual.(*http.Transport)
}

var errNoTunnel = errors.New("the cluster has no tunnel to the hub")
