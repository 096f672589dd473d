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

package connectivitycheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

var errInvalidProxyURL = errors.New("spec.proxy.httpsProxy is not a URL with a host")

// invalidHubURL says that the hub URL in field is not one the agent can use. It does not
// repeat the URL, which could hold a password.
func invalidHubURL(field string) error {
	return fmt.Errorf("the hub URL in %s is not an https URL with a host and without a user name or password", field)
}

// dialTimeout bounds the TCP check's connection.
const dialTimeout = 10 * time.Second

// maxShownAddresses bounds the addresses the DNS check lists.
const maxShownAddresses = 4

// dns resolves the first hop's name. Through a proxy, the proxy resolves the hub's.
func (c *Checker) dns(ctx context.Context, p *path) protocol.ConnectivityCheck {
	host, _, what := p.firstHop()
	viaProxy := ""
	if p.proxy != nil {
		viaProxy = "; the proxy resolves the hub's name " + p.hub.Hostname()
	}
	if net.ParseIP(host) != nil {
		return c.result(protocol.CheckDNS, protocol.CheckPassed, 0, fmt.Sprintf("The address of %s is an IP address: nothing to resolve%s", what, viaProxy))
	}
	resolver := c.Resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	start := time.Now()
	addrs, err := resolver.LookupHost(ctx, host)
	took := time.Since(start)
	if err != nil {
		return c.result(protocol.CheckDNS, protocol.CheckFailed, took, fmt.Sprintf(
			"%s does not resolve (%s): %v; check the cluster's DNS and the name in %s", host, what, err, specField(p)))
	}
	if len(addrs) > maxShownAddresses {
		addrs = append(addrs[:maxShownAddresses], "…")
	}
	return c.result(protocol.CheckDNS, protocol.CheckPassed, took, fmt.Sprintf("%s (%s) resolves to %s%s", host, what, strings.Join(addrs, ", "), viaProxy))
}

// tcp opens a TCP connection to the first hop, as the agent's client would.
func (c *Checker) tcp(ctx context.Context, p *path, o agentclient.Options) protocol.ConnectivityCheck {
	_, addr, what := p.firstHop()
	dial := o.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: dialTimeout}).DialContext
	}
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	start := time.Now()
	conn, err := dial(ctx, "tcp", addr)
	took := time.Since(start)
	if err != nil {
		return c.result(protocol.CheckTCP, protocol.CheckFailed, took, fmt.Sprintf(
			"Cannot connect to %s: %v; check that it listens there and that no firewall, security group or network policy blocks the agent's outbound connections", what, err))
	}
	_ = conn.Close()
	return c.result(protocol.CheckTCP, protocol.CheckPassed, took, fmt.Sprintf("Connected to %s in %s", what, took.Round(time.Millisecond)))
}

// proxy tells which proxy the agent uses, and whether it carried the connection to the hub.
func (c *Checker) proxy(p *path, pr probe) protocol.ConnectivityCheck {
	if p.proxy == nil {
		return c.directProxyResult(p)
	}
	shown := shownURL(p.proxy)
	if p.proxy.User != nil {
		shown += " (with credentials)"
	}
	if pr.err != nil && !isCertificateError(pr.err) && !isHandshakeError(pr.err) {
		return c.result(protocol.CheckProxy, protocol.CheckFailed, pr.took, fmt.Sprintf(
			"The proxy %s did not carry the connection to the hub %s: %v; check spec.proxy (address, credentials, CA) and that the proxy allows CONNECT to the hub",
			shown, p.hubAddr, pr.err))
	}
	return c.result(protocol.CheckProxy, protocol.CheckPassed, pr.took, fmt.Sprintf(
		"The agent reaches the hub %s through the proxy %s, which carried the connection", p.hubAddr, shown))
}

// directProxyResult is the proxy check of an agent that connects directly: a proxy in its
// environment that the ArcConnection does not name is worth a warning, since the agent
// deliberately ignores the environment.
func (c *Checker) directProxyResult(p *path) protocol.ConnectivityCheck {
	for _, name := range []string{"HTTPS_PROXY", "https_proxy"} {
		v := getenv(c, name)
		if v == "" {
			continue
		}
		shown := "a proxy"
		if u, err := url.Parse(v); err == nil && u.Host != "" {
			shown = shownURL(u)
		}
		return c.result(protocol.CheckProxy, protocol.CheckWarning, 0, fmt.Sprintf(
			"%s names %s in the agent's environment, but the agent connects to the hub %s directly: it uses only the ArcConnection's spec.proxy; set spec.proxy.httpsProxy if the cluster reaches the hub through that proxy",
			name, shown, p.hubAddr))
	}
	return c.result(protocol.CheckProxy, protocol.CheckPassed, 0, "No proxy: the agent connects to the hub "+p.hubAddr+" directly")
}

// specField names the ArcConnection field holding the first hop's name.
func specField(p *path) string {
	if p.proxy != nil {
		return "spec.proxy.httpsProxy"
	}
	return p.hubField
}

// probe is one request to the hub through the agent's own transport.
type probe struct {
	res  agentclient.ProbeResult
	err  error
	took time.Duration
}

func (c *Checker) probe(ctx context.Context, o agentclient.Options) probe {
	o.HubURLs = nil // probe o.HubURL, the URL in use, not the one a new client would start at
	client, err := agentclient.New(o)
	if err != nil {
		return probe{err: err}
	}
	defer client.Close()
	start := time.Now()
	res, err := client.Probe(ctx)
	return probe{res: res, err: err, took: time.Since(start)}
}
