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

package agentclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpproxy"
)

// proxy is a parsed ProxyConfig; a nil *proxy means direct connections.
type proxy struct {
	url *url.URL
	// forURL picks the proxy for a request URL, honouring NoProxy.
	forURL func(*url.URL) (*url.URL, error)
	// tls is the TLS configuration for an https:// proxy itself.
	tls *tls.Config
}

func newProxy(cfg *ProxyConfig) (*proxy, error) {
	if cfg == nil || cfg.URL == "" {
		return nil, nil
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("hub client: proxy URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("hub client: proxy URL %q must be http://host:port or https://host:port", u.Redacted())
	}
	p := &proxy{url: u}
	p.forURL = (&httpproxy.Config{HTTPProxy: cfg.URL, HTTPSProxy: cfg.URL, NoProxy: strings.Join(cfg.NoProxy, ",")}).ProxyFunc()
	if u.Scheme == "https" {
		if p.tls, err = proxyTLSConfig(u, cfg.CAPEM); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func proxyTLSConfig(u *url.URL, caPEM []byte) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ServerName: u.Hostname(),
		// CONNECT is an HTTP/1.1 exchange.
		NextProtos: []string{"http/1.1"},
	}
	if caPEM != nil {
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("hub client: the proxy CA holds no PEM certificate")
		}
	}
	return cfg, nil
}

// configure makes t use the proxy. An https:// proxy needs a TLS dialer of its own: the
// transport would otherwise verify the proxy with the hub's TLS configuration.
func (p *proxy) configure(t *http.Transport, hubTLS *tls.Config, dial dialFunc) {
	if p == nil {
		return
	}
	t.Proxy = func(r *http.Request) (*url.URL, error) { return p.forURL(r.URL) }
	if p.tls == nil {
		return
	}
	d := &tlsDialer{dial: dial, proxyAddr: canonicalAddr(p.url), proxyTLS: p.tls, hubTLS: hubTLS}
	t.DialTLSContext = d.dialTLS
}

// tlsDialer opens TLS connections to an https:// proxy with the proxy's configuration, and
// to the hub (when NoProxy bypasses the proxy) with the hub's.
type tlsDialer struct {
	dial      dialFunc
	proxyAddr string
	proxyTLS  *tls.Config
	hubTLS    *tls.Config
}

func (d *tlsDialer) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	cfg := d.hubTLS
	if addr == d.proxyAddr {
		cfg = d.proxyTLS
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("dialing %s: %w", addr, err)
		}
		cfg.ServerName = host
	}
	raw, err := d.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
	}
	return conn, nil
}

// canonicalAddr is host:port of u with the scheme's default port, as the transport dials it.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}
