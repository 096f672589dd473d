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

// Package agentclient is the agent's client of the hub's agent API, /agent/v1
// (docs/agent-protocol.md): registration by proof of possession of the agent key, heartbeats,
// the desired-state list and watch, and status reports; and a Mirror that keeps a copy of the
// cluster's desired state in sync over the watch stream. Given several URLs of the hub (its
// replicas'), the client uses one at a time and moves to the next when it fails (failover.go).
//
// The client certificate can be replaced at any time (Register, SetCertificate). Each
// certificate gets an HTTP transport of its own, cheap to make, and the previous one's
// connections are closed: an HTTP/2 connection busy with a watch stream is never idle, so
// it would otherwise keep carrying new requests with the old (perhaps expired) certificate.
package agentclient

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/pkg/armid"
)

// ProxyConfig routes the agent's connections through an HTTP(S) forward proxy (CONNECT).
type ProxyConfig struct {
	// URL is the proxy, http:// or https://, optionally with user:password@ for basic auth.
	URL string
	// NoProxy lists hosts reached directly: names (a name also matches its subdomains;
	// ".example.com" only the subdomains), IP addresses, CIDR ranges, optional ":port", or "*".
	NoProxy []string
	// CAPEM is trusted for the certificate of an https:// proxy itself. It is never trusted
	// for the hub: a proxy that intercepts TLS cannot carry the agent's mutual TLS anyway.
	CAPEM []byte
}

// Options configure a Client.
type Options struct {
	// HubURL is the hub's base URL, https://host[:port], without a user name or password.
	HubURL string
	// HubURLs are further base URLs of the same hub (its replicas' own addresses). The client
	// uses one URL at a time, starting at the one its cluster ID picks from HubURL and
	// HubURLs, and moves to the next in an order its cluster ID shuffles, round robin, when a
	// request to it fails at the connection level or the hub answers 502, 503 or 504
	// (failover.go).
	HubURLs []string
	// ClusterID is the connectedCluster's ARM ID.
	ClusterID string
	// Key is the agent's private key (ECDSA P-256/P-384 or RSA ≥ 2048 bits). It signs the
	// registration CSR and the TLS handshakes; it is never sent anywhere.
	Key crypto.Signer
	// HubCAPEM holds the CA certificates trusted for the hub's serving certificate; nil
	// means the system roots.
	HubCAPEM []byte
	// Proxy, when set, routes connections through a forward proxy; nil means direct. The
	// environment (HTTPS_PROXY, NO_PROXY) is deliberately not read: the ArcConnection decides.
	Proxy *ProxyConfig
	// UserAgent is sent with every request (default "kubearc-agent").
	UserAgent string
	// Timeout bounds each request but the watch stream (default 30s).
	Timeout time.Duration
	// WatchIdleTimeout ends a watch stream that carried nothing, not even a bookmark, for
	// this long (default 2m; the hub sends a bookmark every 30s by default).
	WatchIdleTimeout time.Duration
	// DialContext opens TCP connections (to the hub or the proxy); nil means a net.Dialer.
	// Tests and benchmarks use it to resolve names of their own.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Defaults of Options.
const (
	DefaultUserAgent        = "kubearc-agent"
	DefaultTimeout          = 30 * time.Second
	DefaultWatchIdleTimeout = 2 * time.Minute
)

// Client talks to the hub for one cluster. It is safe for concurrent use.
type Client struct {
	// hubs are the hub's base URLs in the order the client uses them (failoverOrder);
	// hubs[current] is the one in use.
	hubs      []*url.URL
	clusterID string
	key       crypto.Signer
	userAgent string
	timeout   time.Duration
	watchIdle time.Duration

	// build makes the agent transport of each certificate.
	build transportBuilder
	// register presents no client certificate, so that an expired one cannot fail the
	// handshake of the call that replaces it.
	register *http.Client

	mu      sync.Mutex
	cert    *certificate    // nil before registration
	agent   *agentTransport // presents cert
	current int             // index into hubs
}

// New returns a client for o. It does not contact the hub.
func New(o Options) (*Client, error) {
	hubs, err := parseHubURLs(o.HubURL, o.HubURLs)
	if err != nil {
		return nil, err
	}
	id, err := armid.ParseClusterID(o.ClusterID)
	if err != nil {
		return nil, fmt.Errorf("hub client: cluster ID: %w", err)
	}
	if o.Key == nil {
		return nil, errors.New("hub client: the agent key is required")
	}
	c := &Client{
		hubs: failoverOrder(id.String(), hubs), clusterID: id.String(), key: o.Key,
		userAgent: or(o.UserAgent, DefaultUserAgent),
		timeout:   orDuration(o.Timeout, DefaultTimeout),
		watchIdle: orDuration(o.WatchIdleTimeout, DefaultWatchIdleTimeout),
	}
	if c.build, err = newTransportBuilder(o); err != nil {
		return nil, err
	}
	c.register = &http.Client{Transport: c.build.transport(hubTLSConfig(c.build.roots), c.build.dial)}
	c.agent = c.build.agent(nil)
	return c, nil
}

// ClusterID returns the connectedCluster's ARM ID the client speaks for.
func (c *Client) ClusterID() string { return c.clusterID }

// Close closes the client's idle connections. Streams in flight end with their contexts.
func (c *Client) Close() {
	c.agentClient().CloseIdleConnections()
	c.register.CloseIdleConnections()
}

// parseHubURLs parses first and more, leaving out repeated URLs.
func parseHubURLs(first string, more []string) ([]*url.URL, error) {
	var hubs []*url.URL
	seen := map[string]bool{}
	for _, raw := range append([]string{first}, more...) {
		u, err := ParseHubURL(raw)
		if err != nil {
			return nil, fmt.Errorf("hub client: %w", err)
		}
		if !seen[u.String()] {
			seen[u.String()] = true
			hubs = append(hubs, u)
		}
	}
	return hubs, nil
}

// userinfo matches a URL with a user name or password before its host
// (https://user:password@host), as the ArcConnection's CRD rules do.
var userinfo = regexp.MustCompile(`^[^/]*//[^/?#]*@`)

// ParseHubURL parses a hub base URL as the client uses it: https, with a host, without a
// user name or password (the agent authenticates with its key; a password would show in
// status.hubURL and the logs) and without a trailing slash. Two spellings of one URL parse
// to the same String(). Its errors never show a password.
func ParseHubURL(raw string) (*url.URL, error) {
	if userinfo.MatchString(raw) {
		return nil, errors.New("a hub URL holds a user name or password (https://user:password@host): " +
			"remove them; the agent authenticates to the hub with its key and client certificate")
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("hub URL %q: %w", raw, err)
	}
	if u.Scheme != "https" || u.Hostname() == "" {
		return nil, fmt.Errorf("hub URL %q must be https://host[:port]", raw)
	}
	return u, nil
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func orDuration(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}
