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

package connectivitycheck_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/connectivitycheck"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestHealthyHub checks a hub reached by name whose certificate the agent trusts: every
// network check passes, and the agent that has not registered yet is told so.
func TestHealthyHub(t *testing.T) {
	a := newAuthority(t)
	srv := validHub(t, a)
	checks := run(t, connectivitycheck.Checker{}, target(t, localhostURL(srv), a))
	expect(t, checks, protocol.CheckDNS, protocol.CheckPassed, "localhost", "resolves to")
	expect(t, checks, protocol.CheckTCP, protocol.CheckPassed, "Connected to the hub")
	expect(t, checks, protocol.CheckProxy, protocol.CheckPassed, "No proxy")
	expect(t, checks, protocol.CheckTLS, protocol.CheckPassed, "valid and trusted", "test hub CA")
	expect(t, checks, protocol.CheckClockSkew, protocol.CheckPassed, "0s")
	expect(t, checks, protocol.CheckClientCertificate, protocol.CheckWarning, "no client certificate yet")
}

// TestHubCertificates checks hubs whose certificates the agent must refuse or warn about.
func TestHubCertificates(t *testing.T) {
	a, now := newAuthority(t), time.Now()
	for _, tc := range []struct {
		name        string
		from, until time.Time
		trust       *authority
		result      string
		words       []string
	}{
		{"expired", now.Add(-48 * time.Hour), now.Add(-time.Hour), a, protocol.CheckFailed, []string{"expired or not yet valid", "renew"}},
		{"not yet valid", now.Add(time.Hour), now.Add(48 * time.Hour), a, protocol.CheckFailed, []string{"expired or not yet valid", "clock"}},
		{"another CA", now.Add(-time.Hour), now.Add(48 * time.Hour), newAuthority(t), protocol.CheckFailed, []string{"not signed by a CA the agent trusts", "spec.hubCASecretRef"}},
		{"expiring soon", now.Add(-time.Hour), now.Add(72 * time.Hour), a, protocol.CheckWarning, []string{"expires in", "renew"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hub(t, a, tc.from, tc.until, nil)
			checks := run(t, connectivitycheck.Checker{}, target(t, srv.URL, tc.trust))
			expect(t, checks, protocol.CheckDNS, protocol.CheckPassed, "IP address")
			expect(t, checks, protocol.CheckTCP, protocol.CheckPassed)
			expect(t, checks, protocol.CheckTLS, tc.result, tc.words...)
		})
	}
}

// TestUnreachableHub checks a port nothing listens on and a name that does not resolve.
func TestUnreachableHub(t *testing.T) {
	a := newAuthority(t)
	closed := run(t, connectivitycheck.Checker{}, target(t, "https://"+closedPort(t), a))
	expect(t, closed, protocol.CheckTCP, protocol.CheckFailed, "Cannot connect to the hub", "firewall")
	expect(t, closed, protocol.CheckTLS, protocol.CheckFailed, "could not be reached")
	expect(t, closed, protocol.CheckClockSkew, protocol.CheckWarning, "Not measured")

	unknown := run(t, connectivitycheck.Checker{}, target(t, "https://hub.invalid:8443", a))
	expect(t, unknown, protocol.CheckDNS, protocol.CheckFailed, "hub.invalid does not resolve", "spec.hubURL")
	expect(t, unknown, protocol.CheckTCP, protocol.CheckFailed)
}

// TestChecksTheHubURLInUse: an agent that moved to one of spec.hubURLs checks that URL, and
// the messages name it and the field it comes from.
func TestChecksTheHubURLInUse(t *testing.T) {
	a := newAuthority(t)
	tg := target(t, "https://hub-2.invalid:8443", a)
	tg.Options.HubURLs = []string{"https://hub-1.example.com:8443", "https://hub-2.invalid:8443"}
	checks := run(t, connectivitycheck.Checker{}, tg)
	expect(t, checks, protocol.CheckDNS, protocol.CheckFailed, "hub-2.invalid does not resolve", "spec.hubURLs")

	closed := "https://" + closedPort(t)
	tg = target(t, closed, a)
	tg.Options.HubURLs = []string{closed}
	checks = run(t, connectivitycheck.Checker{}, tg)
	expect(t, checks, protocol.CheckTCP, protocol.CheckFailed, "Cannot connect to the hub "+strings.TrimPrefix(closed, "https://"))
}

// TestNamesTheFieldOfTheHubURLInUse: the URL in use, as the client spells it, is found in
// spec.hubURLs however the spec spells it; a URL the agent cannot use is blamed on its field,
// without repeating it.
func TestNamesTheFieldOfTheHubURLInUse(t *testing.T) {
	a := newAuthority(t)
	tg := target(t, "https://hub-2.invalid:8443", a)
	tg.Options.HubURLs = []string{"https://hub-1.example.com:8443", "https://hub-2.invalid:8443/"}
	checks := run(t, connectivitycheck.Checker{}, tg)
	expect(t, checks, protocol.CheckDNS, protocol.CheckFailed, "hub-2.invalid does not resolve", "the name in spec.hubURLs")

	for _, tc := range []struct {
		name, hubURL string
		hubURLs      []string
		field        string
	}{
		{"spec.hubURL", "https://agent:s3cret@hub-1.example.com", nil, "in spec.hubURL is"},
		{"spec.hubURLs", "http://hub-2.example.com", []string{"http://hub-2.example.com"}, "in spec.hubURLs is"},
		{"spec.hubURLs with a password", "https://agent:s3cret@hub-2.example.com", []string{"https://hub-1.example.com", "https://agent:s3cret@hub-2.example.com"}, "in spec.hubURLs is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := target(t, tc.hubURL, a)
			tg.Options.HubURLs = tc.hubURLs
			checks := run(t, connectivitycheck.Checker{}, tg)
			expect(t, checks, protocol.CheckDNS, protocol.CheckFailed, "hub settings are invalid", tc.field, "without a user name or password")
			if strings.Contains(checks[protocol.CheckDNS].Message, "s3cret") {
				t.Errorf("the message shows the password: %s", checks[protocol.CheckDNS].Message)
			}
		})
	}
}

// TestProbesTheHubURLInUse: the TLS and clock checks reach the URL in use, whichever of the
// URLs a new client of the cluster would start at.
func TestProbesTheHubURLInUse(t *testing.T) {
	a := newAuthority(t)
	srv := validHub(t, a)
	tg := target(t, localhostURL(srv), a)
	for range 4 {
		tg.Options.HubURLs = append(tg.Options.HubURLs, "https://"+closedPort(t))
	}
	tg.Options.HubURLs = append(tg.Options.HubURLs, tg.Options.HubURL)
	checks := run(t, connectivitycheck.Checker{}, tg)
	expect(t, checks, protocol.CheckTCP, protocol.CheckPassed, "Connected to the hub")
	expect(t, checks, protocol.CheckTLS, protocol.CheckPassed, "valid and trusted")
	expect(t, checks, protocol.CheckClockSkew, protocol.CheckPassed)
}

// TestClockSkew checks hubs whose clocks are ahead of or behind the agent's.
func TestClockSkew(t *testing.T) {
	a := newAuthority(t)
	for _, tc := range []struct {
		name   string
		skew   time.Duration
		result string
		words  []string
	}{
		{"hub behind by 10 minutes", -10 * time.Minute, protocol.CheckFailed, []string{"10m0s ahead of the hub's", "NTP"}},
		{"hub ahead by 2 minutes", 2 * time.Minute, protocol.CheckWarning, []string{"2m0s behind the hub's"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := hub(t, a, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour),
				func() time.Time { return time.Now().Add(tc.skew) })
			expect(t, run(t, connectivitycheck.Checker{}, target(t, srv.URL, a)), protocol.CheckClockSkew, tc.result, tc.words...)
		})
	}
}

// TestProxy checks a hub reached through a forward proxy that wants credentials: with them
// the proxy carries the connection, without them it fails, and its password is never shown.
func TestProxy(t *testing.T) {
	const canary = "proxy-canary-5d1e"
	a := newAuthority(t)
	srv := validHub(t, a)
	px := httptest.NewServer(authProxy{user: "alice", password: canary})
	t.Cleanup(px.Close)
	withCredentials := strings.Replace(px.URL, "http://", "http://alice:"+canary+"@", 1)
	wrongPassword := strings.Replace(px.URL, "http://", "http://alice:wrong-"+canary+"@", 1)
	hubURL := strings.Replace(srv.URL, "127.0.0.1", proxiedHubName, 1)
	for _, tc := range []struct {
		name, proxy, result string
		words               []string
	}{
		{"credentials", withCredentials, protocol.CheckPassed, []string{"through the proxy " + px.URL + " (with credentials)"}},
		{"wrong credentials", wrongPassword, protocol.CheckFailed, []string{"did not carry the connection", "Proxy Authentication Required", "spec.proxy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := target(t, hubURL, a)
			tg.Options.Proxy = &agentclient.ProxyConfig{URL: tc.proxy}
			checks := run(t, connectivitycheck.Checker{}, tg)
			expect(t, checks, protocol.CheckDNS, protocol.CheckPassed, "the proxy "+px.URL, "the proxy resolves the hub's name "+proxiedHubName)
			expect(t, checks, protocol.CheckTCP, protocol.CheckPassed, "Connected to the proxy")
			expect(t, checks, protocol.CheckProxy, tc.result, tc.words...)
			for _, c := range checks {
				if strings.Contains(c.Message, canary) {
					t.Errorf("%s shows the proxy's password: %q", c.Name, c.Message)
				}
			}
		})
	}
	t.Run("noProxy bypasses it", func(t *testing.T) {
		tg := target(t, hubURL, a)
		tg.Options.Proxy = &agentclient.ProxyConfig{URL: withCredentials, NoProxy: []string{"proxied.test"}}
		checks := run(t, connectivitycheck.Checker{}, tg)
		expect(t, checks, protocol.CheckProxy, protocol.CheckPassed, "directly")
		expect(t, checks, protocol.CheckDNS, protocol.CheckFailed, proxiedHubName+" does not resolve")
	})
	t.Run("a proxy in the environment only", func(t *testing.T) {
		env := func(name string) string {
			if name == "HTTPS_PROXY" {
				return withCredentials
			}
			return ""
		}
		checks := run(t, connectivitycheck.Checker{Getenv: env}, target(t, localhostURL(srv), a))
		expect(t, checks, protocol.CheckProxy, protocol.CheckWarning, "HTTPS_PROXY names "+px.URL, "spec.proxy.httpsProxy")
		if strings.Contains(checks[protocol.CheckProxy].Message, canary) {
			t.Errorf("the proxy check shows the password: %q", checks[protocol.CheckProxy].Message)
		}
	})
}

// TestClientCertificate checks the agent's own certificate at several moments of its life.
func TestClientCertificate(t *testing.T) {
	a := newAuthority(t)
	srv := validHub(t, a)
	tg := target(t, srv.URL, a)
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	_, certPEM := a.issue(t, tg.Options.Key, from, from.Add(30*24*time.Hour))
	for _, tc := range []struct {
		name   string
		now    time.Time
		pem    []byte
		result string
		words  []string
	}{
		{"valid", from.Add(24 * time.Hour), certPEM, protocol.CheckPassed, []string{"valid from 2026-12-01T00:00:00Z until 2026-12-31T00:00:00Z"}},
		{"due for renewal", from.Add(25 * 24 * time.Hour), certPEM, protocol.CheckWarning, []string{"past its renewal time"}},
		{"expired", from.Add(31 * 24 * time.Hour), certPEM, protocol.CheckFailed, []string{"expired at 2026-12-31T00:00:00Z"}},
		{"not yet valid", from.Add(-time.Hour), certPEM, protocol.CheckFailed, []string{"not valid before", "NTP"}},
		{"not PEM", from, []byte("garbage"), protocol.CheckFailed, []string{"cannot be read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := tg
			tg.CertificatePEM = tc.pem
			checks := run(t, connectivitycheck.Checker{Now: func() time.Time { return tc.now }}, tg)
			expect(t, checks, protocol.CheckClientCertificate, tc.result, tc.words...)
		})
	}
	t.Run("another key", func(t *testing.T) {
		other := target(t, srv.URL, a)
		other.CertificatePEM = certPEM
		checks := run(t, connectivitycheck.Checker{Now: func() time.Time { return from }}, other)
		expect(t, checks, protocol.CheckClientCertificate, protocol.CheckFailed, "not for its agent key")
	})
}
