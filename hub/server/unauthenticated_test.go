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

package server_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// floodConns is how many goroutines of a connect flood dial the hub at once.
const floodConns = 256

// connectFlood opens bare TCP connections to addr from 127.0.0.1 as fast as the hub takes
// them, holding each until the hub closes it, until the test ends.
func connectFlood(t *testing.T, addr string) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	for range floodConns {
		wg.Go(func() {
			for ctx.Err() == nil {
				c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
				if err != nil {
					continue
				}
				stop := context.AfterFunc(ctx, func() { _ = c.Close() })
				_, _ = c.Read(make([]byte, 1)) // until the hub closes it
				stop()
				_ = c.Close()
			}
		})
	}
}

// slowDialer dials from 127.0.0.2, another source than the flood's, and waits latency
// before the TLS handshake begins, as a client far away would.
func slowDialer(t *testing.T, latency time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	c, err := d.Dial("tcp", "127.0.0.1:1")
	if err != nil && strings.Contains(err.Error(), "assign requested address") {
		t.Fatalf("this test needs to dial from 127.0.0.2 (any loopback address on Linux): %v", err)
	}
	if c != nil {
		_ = c.Close()
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			time.Sleep(latency)
		}
		return c, err
	}
}

// TestClientsGetThroughAConnectFlood: while one address floods the hub with bare TCP
// connections, an agent and a user elsewhere, whose handshakes begin 100 ms after their
// connections, keep getting their requests through, each on a new connection.
func TestClientsGetThroughAConnectFlood(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) {
		cfg.MaxUnauthenticatedConns, cfg.MaxUnauthenticatedConnsPerIP = 64, 16
	}})
	_, k := th.agent("c1")
	_, cert := th.register(clusterPath(sub, rg, "c1"), k)
	dial := slowDialer(t, 100*time.Millisecond)
	client := func(cert *tls.Certificate) *http.Client {
		c := th.client(cert)
		tr := c.Transport.(*http.Transport)
		tr.DialContext, tr.DisableKeepAlives = dial, true
		return c
	}
	agent, user := client(cert), client(nil)
	connectFlood(t, th.Addr)
	time.Sleep(200 * time.Millisecond) // the flood fills the cap
	failed := 0
	for i := range 10 {
		if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusOK {
			t.Errorf("heartbeat %d under the flood: %d %s", i, r.status, r.raw)
			failed++
		}
		if r := th.send(user, http.MethodGet, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil); r.status != http.StatusOK {
			t.Errorf("ARM GET %d under the flood: %d %s", i, r.status, r.raw)
			failed++
		}
	}
	if failed > 0 {
		t.Fatalf("%d of 20 requests failed under the flood", failed)
	}
}

// openAfterHandshakes opens n TLS 1.2 connections to the hub presenting cert, one after the
// other (a TLS 1.2 client's handshake ends after the hub checked its certificate), and
// returns how many the hub has left open.
func openAfterHandshakes(t *testing.T, th *testHub, cert *tls.Certificate, n int) int {
	t.Helper()
	d := &tls.Dialer{Config: &tls.Config{RootCAs: th.caPool(), Certificates: []tls.Certificate{*cert},
		MaxVersion: tls.VersionTLS12, MinVersion: tls.VersionTLS12}}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range n {
		c, err := d.DialContext(context.Background(), "tcp", th.Addr)
		if err != nil {
			t.Fatalf("connecting: %v", err)
		}
		conns = append(conns, c)
	}
	var open sync.WaitGroup
	var mu sync.Mutex
	count := 0
	for _, c := range conns {
		open.Go(func() {
			_ = c.SetReadDeadline(time.Now().Add(time.Second))
			_, err := c.Read(make([]byte, 1))
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
				mu.Lock()
				count++
				mu.Unlock()
			}
		})
	}
	open.Wait()
	return count
}

// TestARevokedCertificateDoesNotEscapeTheCap: a client certificate of the current agent key
// authenticates its connections at the handshake; one of a deleted cluster, although the
// hub issued it and it has not expired, leaves them under the unauthenticated cap.
func TestARevokedCertificateDoesNotEscapeTheCap(t *testing.T) {
	const limit, conns = 4, 12
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) {
		cfg.MaxUnauthenticatedConns, cfg.UnauthenticatedMinAge = limit, time.Nanosecond
	}})
	certOf := func(name string) *tls.Certificate {
		_, k := th.agent(name)
		_, cert := th.register(clusterPath(sub, rg, name), k)
		return cert
	}
	live, gone := certOf("live"), certOf("gone")
	if r := th.do(http.MethodDelete, clusterPath(sub, rg, "gone")+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("deleting the cluster: %d %s", r.status, r.raw)
	}
	if n := openAfterHandshakes(t, th, live, conns); n != conns {
		t.Errorf("%d of %d connections of a current agent certificate left open, want all", n, conns)
	}
	if n := openAfterHandshakes(t, th, gone, conns); n > limit {
		t.Errorf("%d of %d connections of a deleted cluster's certificate left open, more than the cap of %d", n, conns, limit)
	}
}

// TestALargeRegistrationIsRefused: registration is unauthenticated and small; a body over
// 64 KiB gets 413 without being read further.
func TestALargeRegistrationIsRefused(t *testing.T) {
	th := newTestHub(t)
	body := `{"resourceId":"` + clusterPath(sub, rg, "c1") + `","csr":"` + strings.Repeat("A", 100<<10) + `"}`
	r := th.do(http.MethodPost, protocol.PathRegister, "", body)
	if code, _ := r.body["code"].(string); r.status != http.StatusRequestEntityTooLarge || code != "RequestBodyTooLarge" {
		t.Fatalf("a 100 KiB registration: %d %s, want 413 RequestBodyTooLarge", r.status, r.raw)
	}
}
