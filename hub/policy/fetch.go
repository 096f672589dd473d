// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
)

// FetchTimeout bounds the fetch of a PublicURL template.
const FetchTimeout = 10 * time.Second

// maxRedirects bounds the redirects a template fetch follows.
const maxRedirects = 3

// Fetcher fetches the ConstraintTemplate a definition's PublicURL names, once, when the
// definition is written: the hub stores it, so that agents never reach anything but the hub.
//
// The fetch runs from the hub's network on behalf of a user, so it reaches public addresses
// only: the address of every connection, redirects' included, is checked when it is dialled
// (after DNS resolution, so a name that resolves to a private address later is caught too),
// and loopback (the hub itself), private, link-local (cloud metadata services), unspecified
// and multicast addresses are refused. It uses https, goes direct (no proxy from the
// environment) and follows at most maxRedirects redirects.
type Fetcher struct {
	// AllowLoopback lets the fetch reach loopback addresses, for tests whose template
	// servers listen on 127.0.0.1; other non-public addresses stay refused.
	AllowLoopback bool
	// AllowHTTP lets the fetch use plain http, for tests.
	AllowHTTP bool
}

// errAddressNotAllowed is the error of a dial to an address the fetch does not reach.
var errAddressNotAllowed = errors.New("address not allowed")

// Fetch returns the content at rawURL, an https URL, bounded by MaxTemplateBytes; any
// failure is an InvalidError naming templateInfo.url.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !f.schemeAllowed(u.Scheme) || u.Host == "" {
		return "", nested.Invalid("The property '%s.url' must be an %s URL, not '%s'.", templateField, f.schemes(), rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", nested.Invalid("The property '%s.url' is invalid: %v.", templateField, err)
	}
	client := f.client()
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return "", f.unreachable(rawURL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", nested.Invalid("The property '%s.url' names '%s', which answered HTTP %d, not 200; the hub fetches a PublicURL template when the definition is written.", templateField, rawURL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxTemplateBytes+1))
	switch {
	case err != nil:
		return "", f.unreachable(rawURL, err)
	case len(body) > MaxTemplateBytes:
		return "", nested.Invalid("The property '%s.url' names '%s', which is larger than %d bytes.", templateField, rawURL, MaxTemplateBytes)
	}
	return string(body), nil
}

// unreachable is the error of a fetch that got no answer. It says why in the hub's words
// only: what a remote server or the network said is not shown to the user.
func (f *Fetcher) unreachable(rawURL string, err error) error {
	reason := "it could not be reached from the hub"
	var redirects *tooManyRedirectsError
	var scheme *schemeError
	switch {
	case errors.Is(err, errAddressNotAllowed):
		reason = "it resolves to an address the hub does not fetch from (loopback, private, link-local, unspecified or multicast): a PublicURL template must be served from a public address"
	case errors.As(err, &redirects):
		reason = fmt.Sprintf("it redirects more than %d times", maxRedirects)
	case errors.As(err, &scheme):
		reason = fmt.Sprintf("it redirects to a URL that is not %s", f.schemes())
	case errors.Is(err, context.DeadlineExceeded):
		reason = fmt.Sprintf("it did not answer within %s", FetchTimeout)
	}
	return nested.Invalid("The property '%s.url' names '%s', but %s; the hub fetches a PublicURL template when the definition is written, so it must be reachable then (or use sourceType %s).", templateField, rawURL, reason, SourceBase64)
}

// tooManyRedirectsError and schemeError stop a redirect the fetch does not follow.
type (
	tooManyRedirectsError struct{}
	schemeError           struct{}
)

func (*tooManyRedirectsError) Error() string { return "too many redirects" }
func (*schemeError) Error() string           { return "redirect to a scheme not allowed" }

func (f *Fetcher) schemeAllowed(scheme string) bool {
	return scheme == "https" || f != nil && f.AllowHTTP && scheme == "http"
}

func (f *Fetcher) schemes() string {
	if f != nil && f.AllowHTTP {
		return "http or https"
	}
	return "https"
}

// client is a new client whose connections reach only the addresses the fetcher allows.
func (f *Fetcher) client() *http.Client {
	allowLoopback := f != nil && f.AllowLoopback
	dialer := &net.Dialer{
		Timeout: FetchTimeout,
		Control: func(_, address string, _ syscall.RawConn) error { return checkAddress(address, allowLoopback) },
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   FetchTimeout,
		ResponseHeaderTimeout: FetchTimeout,
		MaxIdleConns:          1,
	}
	return &http.Client{Timeout: FetchTimeout, Transport: transport, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return &tooManyRedirectsError{}
		}
		if !f.schemeAllowed(req.URL.Scheme) {
			return &schemeError{}
		}
		return nil
	}}
}

// blockedPrefixes are non-public ranges beyond those netip.Addr's predicates name: "this
// network", the carrier-grade NAT range (some clouds' metadata services live there) and the
// limited broadcast address.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("255.255.255.255/32"),
}

// checkAddress refuses a dial to address (host:port, an IP as dialled) unless it is public;
// loopback is allowed with allowLoopback.
func checkAddress(address string, allowLoopback bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q", errAddressNotAllowed, address)
	}
	ip := ap.Addr().Unmap()
	if ip.IsLoopback() {
		if allowLoopback {
			return nil
		}
		return fmt.Errorf("%w: %s is loopback", errAddressNotAllowed, ip)
	}
	if ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() {
		return fmt.Errorf("%w: %s is not public", errAddressNotAllowed, ip)
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is not public", errAddressNotAllowed, ip)
		}
	}
	return nil
}
