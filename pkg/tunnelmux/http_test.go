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

package tunnelmux_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// tunnelServer is a real HTTP server over TLS (HTTP/2 when h2) whose handler accepts
// tunnels, hands the hub's end to accepted and holds it until the test ends, then closes it,
// as the hub does.
func tunnelServer(t *testing.T, accepted chan<- io.ReadWriteCloser, h2 bool) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := tunnelmux.Accept(w, r)
		if err != nil {
			return // Accept answered
		}
		accepted <- conn
		select {
		case <-done:
		case <-r.Context().Done():
		}
		_ = conn.Close()
	}))
	srv.EnableHTTP2 = h2
	srv.StartTLS()
	t.Cleanup(func() { close(done); srv.Close() })
	return srv
}

// http2Pair returns the two ends of a real tunnel request over HTTP/2: the agent's and the
// hub's.
func http2Pair(t *testing.T) (agent, hub io.ReadWriteCloser) { return httpPair(t, 2) }

// http1Pair is http2Pair over HTTP/1.1, where the hub enables full duplex.
func http1Pair(t *testing.T) (agent, hub io.ReadWriteCloser) { return httpPair(t, 1) }

func httpPair(t *testing.T, major int) (agent, hub io.ReadWriteCloser) {
	t.Helper()
	accepted := make(chan io.ReadWriteCloser, 1)
	srv := tunnelServer(t, accepted, major == 2)
	proto := 0
	agent, err := tunnelmux.Dial(t.Context(), srv.URL, func(req *http.Request) (*http.Response, error) {
		resp, err := srv.Client().Do(req)
		if err == nil {
			proto = resp.ProtoMajor
		}
		return resp, err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = agent.Close() })
	if proto != major {
		t.Fatalf("the tunnel went over HTTP/%d, want HTTP/%d", proto, major)
	}
	return agent, <-accepted
}

// TestTheTunnelSharesTheAgentsConnection: the tunnel is one request of the connection the
// agent's other requests use; a request sent while it is open takes no connection of its own.
func TestTheTunnelSharesTheAgentsConnection(t *testing.T) {
	accepted := make(chan io.ReadWriteCloser, 2)
	srv := tunnelServer(t, accepted, true)
	var dials atomic.Int32
	transport := srv.Client().Transport.(*http.Transport).Clone()
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	client := &http.Client{Transport: transport}
	for range 2 {
		conn, err := tunnelmux.Dial(t.Context(), srv.URL, client.Do)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close() }()
		<-accepted
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("two tunnels took %d connections, want 1", n)
	}
}

// TestAcceptRefusesAnotherContentType: a request that is not a tunnel's gets 415 and a
// message naming the Content-Type to send.
func TestAcceptRefusesAnotherContentType(t *testing.T) {
	srv := tunnelServer(t, make(chan io.ReadWriteCloser, 1), true)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(body), protocol.TunnelContentType) {
		t.Fatalf("the hub answered %s %q, want 415 naming %s", resp.Status, body, protocol.TunnelContentType)
	}
}

// TestDialRefusesAnAnswerThatIsNoTunnel: a 200 without the tunnel's Content-Type (a web
// server, not a hub) is refused with a message that says so, not a yamux error later.
func TestDialRefusesAnAnswerThatIsNoTunnel(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "<html>welcome</html>")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	if _, err := tunnelmux.Dial(t.Context(), srv.URL, srv.Client().Do); err == nil || !strings.Contains(err.Error(), "no kubearc hub") {
		t.Fatalf("Dial gave %v, want the answer refused", err)
	}
}

// TestDialReturnsARefusal: an answer other than 200 is an error that quotes it.
func TestDialReturnsARefusal(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no certificate", http.StatusUnauthorized)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	conn, err := tunnelmux.Dial(t.Context(), srv.URL, srv.Client().Do)
	if conn != nil || err == nil || err.Error() != "the hub answered 401 Unauthorized: no certificate" {
		t.Fatalf("Dial gave %v, %v; want the refusal quoted", conn, err)
	}
}

// TestDialGivesUpOnAHubThatDoesNotAnswer: the hub answers a tunnel at once; a request left
// without an answer (a hub or proxy that waits for the body to end) fails instead of waiting
// for ever.
func TestDialGivesUpOnAHubThatDoesNotAnswer(t *testing.T) {
	defer tunnelmux.SetAnswerTimeout(200 * time.Millisecond)()
	for _, h2 := range []bool{true, false} {
		t.Run(fmt.Sprintf("HTTP/2 %t", h2), func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body) // the body never ends
			}))
			srv.EnableHTTP2 = h2
			srv.StartTLS()
			t.Cleanup(srv.Close)
			_, err := tunnelmux.Dial(t.Context(), srv.URL, srv.Client().Do)
			if err == nil || !strings.Contains(err.Error(), "did not answer the tunnel") {
				t.Fatalf("Dial gave %v, want the hub's silence", err)
			}
		})
	}
}

// TestClosingAnEndEndsTheOther: either side closing its end ends the other's reads at once,
// over HTTP/2 and HTTP/1.1, and the hub's Close returns at once.
func TestClosingAnEndEndsTheOther(t *testing.T) {
	for _, proto := range []int{2, 1} {
		for _, closer := range []string{"agent", "hub"} {
			t.Run(fmt.Sprintf("HTTP/%d, the %s closes", proto, closer), func(t *testing.T) {
				agent, hub := httpPair(t, proto)
				closing, other := agent, hub
				if closer == "hub" {
					closing, other = hub, agent
				}
				read := make(chan struct{})
				go func() { _, _ = io.ReadAll(other); close(read) }()
				closed := make(chan struct{})
				go func() { _ = closing.Close(); close(closed) }()
				for what, done := range map[string]chan struct{}{"Close returns": closed, "the other end's read ends": read} {
					select {
					case <-done:
					case <-time.After(10 * time.Second):
						t.Fatalf("%s: not within 10 s", what)
					}
				}
			})
		}
	}
}

// TestClosingTheHubsEndUnblocksItsWrite: when the agent stops reading, a write of the hub's
// waits for flow control; Close ends it at once, so that the hub's handler can return, and
// nothing is written after.
func TestClosingTheHubsEndUnblocksItsWrite(t *testing.T) {
	_, hub := http2Pair(t)       // the agent never reads
	wrote := make(chan struct{}) // closed when a write failed
	go func() {
		chunk := bytes.Repeat([]byte{1}, 1<<20)
		for {
			if _, err := hub.Write(chunk); err != nil {
				close(wrote)
				return
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // the agent's window is full long before
	closed := make(chan struct{})
	go func() { _ = hub.Close(); close(closed) }()
	for _, c := range []struct {
		what string
		done <-chan struct{}
	}{{"Close returns", closed}, {"the write fails", wrote}} {
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: not within 10 s of Close", c.what)
		}
	}
	if _, err := hub.Write([]byte("after")); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("a write after Close gave %v, want io.ErrClosedPipe", err)
	}
}
