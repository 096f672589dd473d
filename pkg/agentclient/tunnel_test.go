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
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestWebsocketGoesWhereTheClientGoes: the tunnel's websocket takes the client's proxy (or
// not, for NoProxy), trusts the hub CA and presents the client certificate.
func TestWebsocketGoesWhereTheClientGoes(t *testing.T) {
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
		want     int // the hub's answer to the upgrade
	}{
		{"direct", nil, nil, true, http.StatusSwitchingProtocols},
		{"http proxy", &agentclient.ProxyConfig{URL: plain.URL}, httpProxy, true, http.StatusSwitchingProtocols},
		{"https proxy", &agentclient.ProxyConfig{URL: secure.URL, CAPEM: secureCA}, httpsProxy, true, http.StatusSwitchingProtocols},
		{"hub in NoProxy", &agentclient.ProxyConfig{URL: plain.URL, NoProxy: []string{hubName}}, nil, true, http.StatusSwitchingProtocols},
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
			url, dialer := c.Websocket(protocol.PathTunnel)
			conn, resp, err := dialer.Dial(url, nil)
			if resp == nil {
				t.Fatalf("no answer from the hub: %v", err)
			}
			_ = resp.Body.Close()
			if conn != nil {
				_ = conn.Close()
			}
			if resp.StatusCode != tt.want {
				t.Fatalf("the hub answered %d (%v), want %d", resp.StatusCode, err, tt.want)
			}
			viaHTTP, viaHTTPS := len(httpProxy.requests())-beforeHTTP, len(httpsProxy.requests())-beforeHTTPS
			switch {
			case tt.via == httpProxy && viaHTTP == 0, tt.via == httpsProxy && viaHTTPS == 0:
				t.Fatal("the websocket did not go through the proxy")
			case tt.via == nil && viaHTTP+viaHTTPS != 0:
				t.Fatal("the websocket went through a proxy")
			}
		})
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
	url, dialer := c.Websocket(protocol.PathTunnel)
	conn, resp, err := dialer.Dial(url, nil)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	// The hub's first keep-alive ping comes after 30s; the bound only keeps a broken hub
	// from hanging the test.
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, _, err = conn.ReadMessage()
	var netErr net.Error
	if err == nil || (errors.As(err, &netErr) && netErr.Timeout()) {
		t.Fatalf("the tunnel is still open after its certificate expired: %v", err)
	}
}
