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
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/transport"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Forwarder passes the Kubernetes API requests that arrive through the tunnel to the
// cluster's API server. A request with the hub's identity headers is sent with the agent's
// own credentials and Kubernetes impersonation of that user and groups; a request with an
// Authorization header (a token the user supplied, e.g. a service account's) is sent with
// that token unchanged and no impersonation. Anything else is refused: the agent's own
// rights are never lent to an anonymous request.
type Forwarder struct {
	impersonating *httputil.ReverseProxy
	passthrough   *httputil.ReverseProxy
	log           logr.Logger
}

// NewForwarder returns a Forwarder to the API server of cfg, which holds the agent's
// credentials (in the cluster: its service account).
func NewForwarder(cfg *rest.Config, log logr.Logger) (*Forwarder, error) {
	cfg = rest.CopyConfig(cfg)
	// exec, attach and port-forward upgrade the connection, which HTTP/2 cannot.
	cfg.NextProtos = []string{"http/1.1"}
	server, err := url.Parse(cfg.Host)
	if err != nil || server.Host == "" {
		return nil, fmt.Errorf("the API server address %q is not a URL", cfg.Host)
	}
	if server.Scheme == "" {
		server.Scheme = "https"
	}
	agent, err := rest.TransportFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the API server transport: %w", err)
	}
	anonymous, err := rest.TransportFor(rest.AnonymousClientConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("building the API server transport: %w", err)
	}
	f := &Forwarder{log: log}
	f.impersonating = f.proxy(server, impersonator{base: agent}, true)
	f.passthrough = f.proxy(server, anonymous, false)
	return f, nil
}

func (f *Forwarder) proxy(server *url.URL, rt http.RoundTripper, dropAuthorization bool) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(server)
			removeIdentityHeaders(pr.Out.Header, dropAuthorization)
		},
		Transport:     rt,
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			f.log.Info("Forwarding to the API server failed", "path", r.URL.Path, "error", err.Error())
			writeStatus(w, http.StatusBadGateway, "ServiceUnavailable", "the agent could not reach the cluster's API server; retry")
		},
	}
}

// ServeHTTP forwards one request.
func (f *Forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		f.passthrough.ServeHTTP(w, r)
		return
	}
	user := r.Header.Get(protocol.HeaderRemoteUser)
	if user == "" {
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "the request carries no identity from the hub")
		return
	}
	id := transport.ImpersonationConfig{UserName: user, Groups: r.Header.Values(protocol.HeaderRemoteGroup)}
	f.impersonating.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, id)))
}

// removeIdentityHeaders removes whatever could choose the identity in the cluster but the
// one the Forwarder means: the hub already removed client-sent Impersonate-* headers, and
// client-go's impersonating transport would keep any that arrived.
func removeIdentityHeaders(h http.Header, authorization bool) {
	for name := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "impersonate-") || strings.HasPrefix(lower, "x-kubearc-") ||
			(authorization && lower == "authorization") {
			delete(h, name)
		}
	}
}

type identityKey struct{}

// impersonator adds the impersonation headers of the request's identity.
type impersonator struct{ base http.RoundTripper }

// RoundTrip sends req as the identity in its context.
func (i impersonator) RoundTrip(req *http.Request) (*http.Response, error) {
	id, ok := req.Context().Value(identityKey{}).(transport.ImpersonationConfig)
	if !ok || id.UserName == "" {
		return nil, fmt.Errorf("no identity to impersonate")
	}
	return transport.NewImpersonatingRoundTripper(id, i.base).RoundTrip(req)
}

// writeStatus answers a Kubernetes Status.
func writeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": message, "reason": reason, "code": code,
	})
}
