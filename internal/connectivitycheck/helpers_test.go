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
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/connectivitycheck"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// clusterID is the connectedCluster the checks speak for.
const clusterID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c1"

// authority is a CA that signs the test hubs' serving certificates and agents' client
// certificates.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
}

func newKey(t *testing.T) crypto.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newAuthority(t *testing.T) *authority {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test hub CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour * 365),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &authority{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a certificate for key valid from notBefore to notAfter: a serving certificate
// for localhost and 127.0.0.1, usable by a client too.
func (a *authority) issue(t *testing.T, key crypto.Signer, notBefore, notAfter time.Time) (*x509.Certificate, []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: notBefore, NotAfter: notAfter, DNSNames: []string{"localhost", proxiedHubName}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, key.Public(), a.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// hub starts a TLS server with a certificate of a valid from notBefore to notAfter; date,
// when set, gives the Date header it answers with.
func hub(t *testing.T, a *authority, notBefore, notAfter time.Time, date func() time.Time) *httptest.Server {
	t.Helper()
	key := newKey(t)
	cert, _ := a.issue(t, key, notBefore, notAfter)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if date != nil {
			w.Header().Set("Date", date().UTC().Format(http.TimeFormat))
		}
		_, _ = io.WriteString(w, "ok")
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes the checks refuse
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// validHub is a hub whose certificate a trusts, valid for a year.
func validHub(t *testing.T, a *authority) *httptest.Server {
	return hub(t, a, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour), nil)
}

// localhostURL is srv's URL with the name localhost, which resolves.
func localhostURL(srv *httptest.Server) string {
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// target checks hubURL trusting a, with a fresh agent key.
func target(t *testing.T, hubURL string, a *authority) connectivitycheck.Target {
	return connectivitycheck.Target{Options: agentclient.Options{HubURL: hubURL, ClusterID: clusterID, Key: newKey(t), HubCAPEM: a.pem}}
}

// run runs the checks with an empty environment and returns them by name.
func run(t *testing.T, c connectivitycheck.Checker, tg connectivitycheck.Target) map[string]protocol.ConnectivityCheck {
	t.Helper()
	if c.Getenv == nil {
		c.Getenv = func(string) string { return "" }
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	checks := c.Run(ctx, tg)
	out := map[string]protocol.ConnectivityCheck{}
	for _, check := range checks {
		if err := check.Validate(); err != nil {
			t.Errorf("check %s is not what the hub accepts: %v", check.Name, err)
		}
		out[check.Name] = check
		t.Logf("%s %s: %s", check.Name, check.Result, check.Message)
	}
	if err := (&protocol.ConnectivityChecks{Checks: checks}).Validate(); err != nil {
		t.Errorf("the report is not what the hub accepts: %v", err)
	}
	return out
}

// expect fails t unless the check named name ended with result and its message holds every
// one of words.
func expect(t *testing.T, checks map[string]protocol.ConnectivityCheck, name, result string, words ...string) {
	t.Helper()
	c, ok := checks[name]
	if !ok {
		t.Errorf("no %s check among %v", name, checks)
		return
	}
	if c.Result != result {
		t.Errorf("%s = %s (%q), want %s", name, c.Result, c.Message, result)
	}
	for _, w := range words {
		if !strings.Contains(c.Message, w) {
			t.Errorf("%s's message %q does not say %q", name, c.Message, w)
		}
	}
}

// closedPort returns an address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// proxiedHubName is a hub's name that only the proxy resolves (to 127.0.0.1): a proxy is
// never used for localhost.
const proxiedHubName = "hub.proxied.test"

// authProxy is a forward proxy that tunnels CONNECT requests carrying the basic credentials
// user:password, and answers 407 to the others. It resolves proxiedHubName to 127.0.0.1.
type authProxy struct{ user, password string }

func (p authProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.password))
	if r.Method != http.MethodConnect || r.Header.Get("Proxy-Authorization") != want {
		http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
		return
	}
	upstream, err := (&net.Dialer{}).DialContext(r.Context(), "tcp", strings.Replace(r.Host, proxiedHubName, "127.0.0.1", 1))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		_ = upstream.Close()
		return
	}
	_, _ = io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go pipe(conn, upstream)
	go pipe(upstream, conn)
}

func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}
