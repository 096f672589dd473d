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

// Package connectivitycheck runs the agent's connectivity checks against its hub: DNS
// resolution and a TCP connection to the first hop (the hub, or the proxy), the proxy, the
// TLS handshake with the hub's CA, the clock skew against the hub, and the agent's own client
// certificate. Each result says what to fix; none holds a credential. docs/diagnostics.md
// describes them.
package connectivitycheck

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/kubearc/kubearc/internal/agentlog"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Target is what the checks look at: how the agent reaches its hub, and the client
// certificate it holds.
type Target struct {
	// Options are the agent's hub client options: the hub URL, its CA, the proxy, the key.
	// Options.HubURL is the one checked: the URL the agent uses now, which may be one of
	// Options.HubURLs (spec.hubURLs), where the agent started or moved.
	Options agentclient.Options
	// CertificatePEM is the agent's client certificate; nil before its first registration.
	CertificatePEM []byte
}

// Checker runs the checks. Its zero value uses the system's resolver, a plain dialer, the
// process environment and the system clock.
type Checker struct {
	// Resolver resolves host names (nil: net.DefaultResolver).
	Resolver *net.Resolver
	// Getenv reads the environment, for a proxy the agent was given there (nil: os.Getenv).
	Getenv func(string) string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Run runs every check against t, in the order of the protocol's check names.
func (c *Checker) Run(ctx context.Context, t Target) []protocol.ConnectivityCheck {
	p, err := newPath(t.Options)
	if err != nil {
		return []protocol.ConnectivityCheck{c.result(protocol.CheckDNS, protocol.CheckFailed, 0,
			"The agent's hub settings are invalid: "+err.Error()+"; fix the ArcConnection's spec")} // the error holds no URL
	}
	probe := c.probe(ctx, t.Options)
	checks := []protocol.ConnectivityCheck{
		c.dns(ctx, p),
		c.tcp(ctx, p, t.Options),
		c.proxy(p, probe),
		c.tls(p, probe),
		c.clockSkew(probe),
		c.clientCertificate(t),
	}
	for i := range checks {
		checks[i].Message = bounded(p.redact(checks[i].Message))
	}
	return checks
}

// bounded is a message as the hub accepts it: printable text of at most
// protocol.MaxCheckMessageBytes.
func bounded(msg string) string {
	msg = protocol.CleanText(msg)
	if len(msg) > protocol.MaxCheckMessageBytes {
		msg = strings.ToValidUTF8(msg[:protocol.MaxCheckMessageBytes-len("…")], "") + "…"
	}
	return msg
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) result(name, result string, took time.Duration, message string) protocol.ConnectivityCheck {
	return protocol.ConnectivityCheck{Name: name, Result: result, Message: message,
		DurationMilliseconds: took.Milliseconds(), Time: c.now().UTC().Truncate(time.Second)}
}

// path is the way to the hub: the hub's address and, when the hub is reached through a
// proxy, the proxy's.
type path struct {
	hub      *url.URL
	hubAddr  string
	hubField string   // the ArcConnection field that holds hub: spec.hubURL or spec.hubURLs
	proxy    *url.URL // nil: direct
	password string   // the proxy's, never shown
}

func newPath(o agentclient.Options) (*path, error) {
	field := hubField(o)
	hub, err := agentclient.ParseHubURL(o.HubURL)
	if err != nil {
		return nil, invalidHubURL(field)
	}
	p := &path{hub: hub, hubAddr: hostPort(hub), hubField: field}
	if o.Proxy == nil || o.Proxy.URL == "" {
		return p, nil
	}
	px, err := url.Parse(o.Proxy.URL)
	if err != nil || px.Hostname() == "" {
		return nil, errInvalidProxyURL
	}
	p.password, _ = px.User.Password()
	cfg := httpproxy.Config{HTTPSProxy: o.Proxy.URL, NoProxy: strings.Join(o.Proxy.NoProxy, ",")}
	if via, err := cfg.ProxyFunc()(hub); err == nil && via != nil {
		p.proxy = px
	}
	return p, nil
}

// hubField names the ArcConnection field o.HubURL, the URL in use, comes from: spec.hubURLs
// when it is one of o.HubURLs (the agent started, or moved, there). The URLs compare as the
// client parses them: https://10.0.0.6:8443/ in spec.hubURLs is the client's
// https://10.0.0.6:8443.
func hubField(o agentclient.Options) string {
	inUse := normalHubURL(o.HubURL)
	for _, raw := range o.HubURLs {
		if normalHubURL(raw) == inUse {
			return "spec.hubURLs"
		}
	}
	return "spec.hubURL"
}

// normalHubURL is raw as the client uses it, or raw itself when the client refuses it.
func normalHubURL(raw string) string {
	if u, err := agentclient.ParseHubURL(raw); err == nil {
		return u.String()
	}
	return raw
}

// firstHop is what the agent dials: the proxy, or the hub; and what to call it.
func (p *path) firstHop() (host, addr, what string) {
	if p.proxy != nil {
		return p.proxy.Hostname(), hostPort(p.proxy), "the proxy " + shownURL(p.proxy)
	}
	return p.hub.Hostname(), p.hubAddr, "the hub " + p.hubAddr
}

// redact removes the proxy's password and anything that looks like a credential.
func (p *path) redact(s string) string {
	if p.password != "" {
		s = strings.ReplaceAll(s, p.password, "[REDACTED]")
	}
	return agentlog.RedactText(s)
}

// shownURL is a proxy URL as messages show it: scheme, host and port, no credentials.
func shownURL(u *url.URL) string {
	return u.Scheme + "://" + hostPort(u)
}

// hostPort is u's host and port, with the scheme's default port.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func getenv(c *Checker, name string) string {
	if c.Getenv != nil {
		return c.Getenv(name)
	}
	return os.Getenv(name)
}
