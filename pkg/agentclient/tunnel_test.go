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

package agentclient_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestTheTunnelGoesWhereTheClientGoes: the tunnel takes the client's proxy (or not, for
// NoProxy), trusts the hub CA and presents the client certificate.
func TestTheTunnelGoesWhereTheClientGoes(t *testing.T) {
	th := newTestHub(t)
	key := th.createCluster("c1")
	_, port, _ := net.SplitHostPort(th.Addr)
	hubAddr := net.JoinHostPort(hubName, port)
	hosts := map[string]string{hubAddr: th.Addr}
	httpProxy := &connectProxy{hosts: hosts}
	plain := httptest.NewServer(httpProxy)
	defer plain.Close()
	httpsProxy := &connectProxy{hosts: hosts}
	secure := httptest.NewUnstartedServer(httpsProxy)
	secure.Config.ErrorLog = log.New(io.Discard, "", 0)
	secure.StartTLS()
	defer secure.Close()
	secureCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw})

	tests := []struct {
		name     string
		proxy    *agentclient.ProxyConfig
		via      *connectProxy
		register bool
		want     int // the hub's answer, 0: the tunnel opens
	}{
		{"direct", nil, nil, true, 0},
		{"http proxy", &agentclient.ProxyConfig{URL: plain.URL}, httpProxy, true, 0},
		{"https proxy", &agentclient.ProxyConfig{URL: secure.URL, CAPEM: secureCA}, httpsProxy, true, 0},
		{"hub in NoProxy", &agentclient.ProxyConfig{URL: plain.URL, NoProxy: []string{hubName}}, nil, true, 0},
		{"no certificate yet", nil, nil, false, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			beforeHTTP, beforeHTTPS := len(httpProxy.requests()), len(httpsProxy.requests())
			c := th.newClient("c1", key, func(o *agentclient.Options) {
				o.HubURL, o.Proxy, o.DialContext = "https://"+hubAddr, tt.proxy, dialVia(hosts)
			})
			if tt.register {
				if _, err := c.Register(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			conn, err := c.OpenTunnel(t.Context())
			var he *agentclient.HubError
			switch {
			case tt.want == 0 && err != nil:
				t.Fatalf("the tunnel did not open: %v", err)
			case tt.want != 0 && (!errors.As(err, &he) || he.StatusCode != tt.want):
				t.Fatalf("opening the tunnel gave %v, want the hub's %d", err, tt.want)
			case conn != nil:
				_ = conn.Close()
			}
			viaHTTP, viaHTTPS := len(httpProxy.requests())-beforeHTTP, len(httpsProxy.requests())-beforeHTTPS
			switch {
			case tt.via == httpProxy && viaHTTP == 0, tt.via == httpsProxy && viaHTTPS == 0:
				t.Fatal("the tunnel did not go through the proxy")
			case tt.via == nil && viaHTTP+viaHTTPS != 0:
				t.Fatal("the tunnel went through a proxy")
			}
		})
	}
}

// TestTheTunnelSharesTheAgentsConnection: the tunnel is a request of the HTTP/2 connection
// that carries the heartbeats: an agent holds one connection to the hub, not two.
func TestTheTunnelSharesTheAgentsConnection(t *testing.T) {
	th := newTestHub(t)
	var dials atomic.Int32
	c := th.newClient("c1", th.createCluster("c1"), func(o *agentclient.Options) {
		o.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
	})
	if _, err := c.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	registered := dials.Load() // registration presents no certificate: a connection of its own
	if _, err := c.Heartbeat(context.Background(), protocol.Heartbeat{}); err != nil {
		t.Fatal(err)
	}
	conn, err := c.OpenTunnel(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := c.Heartbeat(context.Background(), protocol.Heartbeat{}); err != nil {
		t.Fatal(err)
	}
	if n := dials.Load() - registered; n != 1 {
		t.Fatalf("heartbeats and the tunnel took %d connections, want 1", n)
	}
}

// TestTheHubClosesATunnelWhoseCertificateExpired: a tunnel cannot outlive the client
// certificate it was opened with; the agent must come back with a renewed one.
func TestTheHubClosesATunnelWhoseCertificateExpired(t *testing.T) {
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: t.TempDir(), Configure: func(cfg *server.Config) {
		cfg.CertLifetime = 2 * time.Second
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = h.Stop() }()
	th := &testHub{t: t, Hub: h}
	c := th.newClient("c1", th.createCluster("c1"))
	if _, err := c.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	conn, err := c.OpenTunnel(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	// The hub's first keep-alive ping comes after 30s; the bound only keeps a broken hub
	// from hanging the test.
	read := make(chan struct{})
	go func() { _, _ = io.ReadAll(conn); close(read) }()
	select {
	case <-read:
	case <-time.After(20 * time.Second):
		t.Fatal("the tunnel is still open after its certificate expired")
	}
}
