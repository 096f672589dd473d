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
	"encoding/base64"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// connectProxy is a forward proxy that tunnels CONNECT requests, records them and resolves
// names through hosts.
type connectProxy struct {
	hosts map[string]string
	mu    sync.Mutex
	seen  []string // "host:port proxy-authorization"
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Host+" "+r.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()
	upstream, err := dialVia(p.hosts)(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	client, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		_ = upstream.Close()
		return
	}
	_, _ = io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n")
	go pipe(client, upstream)
	go pipe(upstream, client)
}

func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}

func (p *connectProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// dialVia dials with the names in hosts resolved to their addresses.
func dialVia(hosts map[string]string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := hosts[addr]; ok {
			addr = to
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

func TestProxy(t *testing.T) {
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
	secure.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case fails handshakes on purpose
	secure.StartTLS()
	defer secure.Close()
	secureCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw})
	basicAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("agent:s3cret"))

	tests := []struct {
		name    string
		proxy   agentclient.ProxyConfig
		via     *connectProxy
		want    string // what the proxy saw of each request; "" when it must see none
		wantErr string
	}{
		{name: "http proxy with credentials", via: httpProxy, want: hubAddr + " " + basicAuth,
			proxy: agentclient.ProxyConfig{URL: "http://agent:s3cret@" + plain.Listener.Addr().String()}},
		{name: "https proxy trusted through its CA", via: httpsProxy, want: hubAddr + " ",
			proxy: agentclient.ProxyConfig{URL: secure.URL, CAPEM: secureCA}},
		{name: "https proxy not trusted", via: httpsProxy, wantErr: "certificate",
			proxy: agentclient.ProxyConfig{URL: secure.URL}},
		{name: "hub in NoProxy", via: httpProxy,
			proxy: agentclient.ProxyConfig{URL: plain.URL, NoProxy: []string{"10.0.0.0/8", hubName}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.via.requests())
			c := th.newClient("c1", key, func(o *agentclient.Options) {
				o.HubURL = "https://" + hubAddr
				o.Proxy = &tt.proxy
				o.DialContext = dialVia(hosts)
			})
			_, err := c.Register(context.Background())
			if err == nil {
				_, err = c.Heartbeat(context.Background(), protocol.Heartbeat{})
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("register and heartbeat: %v", err)
			}
			seen := tt.via.requests()[before:]
			if tt.want == "" && len(seen) != 0 {
				t.Fatalf("the proxy saw %q, want no request", seen)
			}
			if tt.want != "" && len(seen) == 0 {
				t.Fatal("the requests did not go through the proxy")
			}
			for _, s := range seen {
				if s != tt.want {
					t.Errorf("the proxy saw %q, want %q", s, tt.want)
				}
			}
		})
	}
}
