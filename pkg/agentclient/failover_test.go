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
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

// replica stands in for one replica of the hub behind its own URL: it answers heartbeats,
// the desired-state watch and the tunnel, or 503 while it is not ready, as a
// replica that lost its database or is shutting down does. Every replica presents the same
// certificate (httptest's, for 127.0.0.1), as replicas sharing the hub's serving certificate
// do; a URL naming localhost is one the certificate does not cover.
type replica struct {
	srv      *httptest.Server
	notReady atomic.Bool
	served   atomic.Int32
	// together, when set, holds the 503 answers until that many requests arrived.
	together int32
	arrived  atomic.Int32
	release  chan struct{}
}

func newReplica(t *testing.T) *replica {
	t.Helper()
	r := &replica{release: make(chan struct{})}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes of localhost
	r.srv.EnableHTTP2 = true                           // as the hub
	r.srv.StartTLS()
	t.Cleanup(r.srv.Close)
	return r
}

func (r *replica) serve(w http.ResponseWriter, req *http.Request) {
	if r.notReady.Load() {
		if r.together > 0 {
			if r.arrived.Add(1) == r.together {
				close(r.release)
			}
			<-r.release
		}
		http.Error(w, "not ready: the hub's database cannot be reached", http.StatusServiceUnavailable)
		return
	}
	r.served.Add(1)
	switch req.URL.Path {
	case protocol.PathTunnel:
		if conn, err := tunnelmux.Accept(w, req); err == nil {
			_ = conn.Close()
		}
	case protocol.PathWatch:
		w.Header().Set("Content-Type", "application/x-ndjson")
		_, _ = io.WriteString(w, `{"type":"BOOKMARK","resourceVersion":"7"}`+"\n")
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"connectivityStatus":"Connected"}`)
	}
}

// localhostURL is r's URL by a name its certificate does not cover.
func (r *replica) localhostURL() string {
	return strings.Replace(r.srv.URL, "127.0.0.1", "localhost", 1)
}

// deadURL is an https URL on which nothing listens, as of a replica killed with SIGKILL.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "https://" + addr
}

// failoverClient is a client that uses first and then, failing over, more in order: it is
// given them rotated so that the URL its cluster ID starts at is first.
func failoverClient(t *testing.T, first string, more ...string) *agentclient.Client {
	t.Helper()
	trust := newReplica(t) // any replica: they share the certificate
	hubURL, hubURLs := startingAt(t, clusterID("c1"), first, more...)
	c, err := agentclient.New(agentclient.Options{
		HubURL: hubURL, HubURLs: hubURLs, ClusterID: clusterID("c1"), Key: newKey(t), Timeout: 5 * time.Second,
		HubCAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: trust.srv.Certificate().Raw}),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// startingAt returns first and more rotated, as Options.HubURL and Options.HubURLs, so
// that the client of clusterID starts at first (and, given one more, fails over to it).
func startingAt(t *testing.T, clusterID, first string, more ...string) (string, []string) {
	t.Helper()
	urls := append([]string{first}, more...)
	n := len(urls)
	start := startIndex(t, clusterID, n)
	rotated := slices.Concat(urls[n-start:], urls[:n-start]) // rotated[start] is first
	return rotated[0], rotated[1:]
}

// startIndex is the index of the URL, among n, at which the client of clusterID starts.
func startIndex(t *testing.T, clusterID string, n int) int {
	t.Helper()
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://hub-%d.example.com:8443", i)
	}
	return slices.Index(urls, startURL(t, clusterID, urls...))
}

// startURL is the hub URL a new client of clusterID given urls uses first.
func startURL(t *testing.T, clusterID string, urls ...string) string {
	t.Helper()
	c, err := agentclient.New(agentclient.Options{HubURL: urls[0], HubURLs: urls[1:], ClusterID: clusterID, Key: newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.HubURL()
}

// TestAgentsSpreadOverTheHubURLs: a fleet of agents given one list of URLs starts spread
// over it by cluster, each cluster always at the same URL, whatever the case of its ID.
func TestAgentsSpreadOverTheHubURLs(t *testing.T) {
	urls := []string{"https://10.0.0.5:8443", "https://10.0.0.6:8443", "https://10.0.0.7:8443"}
	const clusters = 300
	perURL := map[string]int{}
	for i := range clusters {
		id := clusterID(fmt.Sprintf("cluster-%d", i))
		start := startURL(t, id, urls...)
		perURL[start]++
		if again := startURL(t, strings.ToUpper(id), urls...); again != start {
			t.Fatalf("cluster %s starts at %s, and at %s with its ID in capitals", id, start, again)
		}
	}
	for _, u := range urls {
		if perURL[u] < clusters/len(urls)/2 {
			t.Errorf("%d of %d clusters start at %s, want about a third: %v", perURL[u], clusters, u, perURL)
		}
	}
	if got := startURL(t, clusterID("c1"), urls[1]); got != urls[1] {
		t.Errorf("the client given one URL uses %s, want %s", got, urls[1])
	}
}

// TestTheAgentsOfADeadURLSpreadOverTheOthers: when a replica dies, its agents do not all
// move to the URL after it: each goes to the next in its own cluster's order.
func TestTheAgentsOfADeadURLSpreadOverTheOthers(t *testing.T) {
	dead, b, c := deadURL(t), newReplica(t).srv.URL, newReplica(t).srv.URL
	trust := newReplica(t) // any replica: they share the certificate
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: trust.srv.Certificate().Raw})
	movedTo := map[string]int{}
	for i := 0; movedTo[b]+movedTo[c] < 60; i++ {
		id := clusterID(fmt.Sprintf("cluster-%d", i))
		client, err := agentclient.New(agentclient.Options{HubURL: dead, HubURLs: []string{b, c}, ClusterID: id, Key: newKey(t), HubCAPEM: caPEM})
		if err != nil {
			t.Fatal(err)
		}
		if client.HubURL() == dead {
			_ = heartbeat(client) // fails: the client moves
			movedTo[client.HubURL()]++
		}
		client.Close()
	}
	if movedTo[b] < 15 || movedTo[c] < 15 {
		t.Fatalf("the agents of the dead URL moved %d to b and %d to c, want about half each", movedTo[b], movedTo[c])
	}
}

// TestHubURLsWithAUserOrPasswordAreRefused: a user name or password in a hub URL would show
// in status.hubURL, its condition and the logs; the client refuses it without repeating it.
func TestHubURLsWithAUserOrPasswordAreRefused(t *testing.T) {
	for _, tc := range []struct{ hubURL, more string }{
		{"https://agent:s3cret-pass@hub.example.com:8443", ""},
		{"https://hub.example.com:8443", "https://s3cret-pass@10.0.0.6:8443/"},
		{"https://hub.example.com:8443", "https://:s3cret-pass@10.0.0.6:8443"},
	} {
		o := agentclient.Options{HubURL: tc.hubURL, ClusterID: clusterID("c1"), Key: newKey(t)}
		if tc.more != "" {
			o.HubURLs = []string{tc.more}
		}
		_, err := agentclient.New(o)
		if err == nil || !strings.Contains(err.Error(), "holds a user name or password") || !strings.Contains(err.Error(), "remove them") {
			t.Errorf("New(%s, %s) = %v, want an error saying to remove the user and password", tc.hubURL, tc.more, err)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	for _, ok := range []string{"https://hub.example.com:8443/path@x", "https://hub.example.com:8443?u=a@b"} {
		if _, err := agentclient.ParseHubURL(ok); err != nil {
			t.Errorf("ParseHubURL(%s) = %v, want no error: the @ is not before the host", ok, err)
		}
	}
}

func heartbeat(c *agentclient.Client) error {
	_, err := c.Heartbeat(context.Background(), protocol.Heartbeat{})
	return err
}

// expectHub fails unless c uses want now.
func expectHub(t *testing.T, c *agentclient.Client, want string) {
	t.Helper()
	if got := c.HubURL(); got != want {
		t.Fatalf("the client uses %s, want %s", got, want)
	}
}

func TestFailoverFromADeadURL(t *testing.T) {
	dead, live := deadURL(t), newReplica(t)
	c := failoverClient(t, dead, live.srv.URL)
	expectHub(t, c, dead)

	err := heartbeat(c)
	if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(dead, "https://")) {
		t.Fatalf("the heartbeat to the dead URL gave %v, want an error naming its address", err)
	}
	expectHub(t, c, live.srv.URL)
	for range 2 {
		if err := heartbeat(c); err != nil {
			t.Fatalf("heartbeat after the failover: %v", err)
		}
	}
	expectHub(t, c, live.srv.URL) // a successful call keeps the URL
	if n := live.served.Load(); n != 2 {
		t.Errorf("the live replica served %d heartbeats, want 2", n)
	}
}

func TestFailoverFromAReplicaThatIsNotReady(t *testing.T) {
	a, b := newReplica(t), newReplica(t)
	a.notReady.Store(true)
	c := failoverClient(t, a.srv.URL, b.srv.URL)

	var he *agentclient.HubError
	if err := heartbeat(c); !errors.As(err, &he) || he.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("the heartbeat to the replica that is not ready gave %v, want its 503", err)
	}
	expectHub(t, c, b.srv.URL)
	if err := heartbeat(c); err != nil {
		t.Fatalf("heartbeat after the failover: %v", err)
	}
	if a.served.Load() != 0 || b.served.Load() != 1 {
		t.Errorf("replicas served %d and %d heartbeats, want 0 and 1", a.served.Load(), b.served.Load())
	}
}

// TestFailoverGoesRoundRobin: past the last URL, the client comes back to the first.
func TestFailoverGoesRoundRobin(t *testing.T) {
	a, b := newReplica(t), newReplica(t)
	a.notReady.Store(true)
	c := failoverClient(t, a.srv.URL, b.srv.URL)
	_ = heartbeat(c) // a is not ready: to b
	if err := heartbeat(c); err != nil {
		t.Fatalf("heartbeat to b: %v", err)
	}

	a.notReady.Store(false) // a is back, and b dies
	b.srv.Close()
	if err := heartbeat(c); err == nil {
		t.Fatal("the heartbeat to the dead b succeeded")
	}
	expectHub(t, c, a.srv.URL)
	if err := heartbeat(c); err != nil {
		t.Fatalf("heartbeat back at a: %v", err)
	}
	if n := a.served.Load(); n != 1 {
		t.Errorf("a served %d heartbeats, want 1", n)
	}
}

// TestFailoverOfEveryConnection: registration, the watch and the tunnel move
// the client as heartbeats do, and a URL the hub's certificate does not name counts as
// unreachable.
func TestFailoverOfEveryConnection(t *testing.T) {
	live := newReplica(t)
	tests := []struct {
		name  string
		first func(t *testing.T) string
		call  func(*agentclient.Client) error
	}{
		{"registration", deadURL, func(c *agentclient.Client) error {
			_, err := c.Register(context.Background())
			return err
		}},
		{"watch", deadURL, func(c *agentclient.Client) error {
			return c.Watch(context.Background(), "5", func(protocol.WatchEvent) error { return errStop })
		}},
		{"tunnel", deadURL, dialTunnel},
		{"watch of a replica that is not ready", func(t *testing.T) string {
			r := newReplica(t)
			r.notReady.Store(true)
			return r.srv.URL
		}, func(c *agentclient.Client) error {
			return c.Watch(context.Background(), "5", func(protocol.WatchEvent) error { return errStop })
		}},
		{"tunnel to a replica that is not ready", func(t *testing.T) string {
			r := newReplica(t)
			r.notReady.Store(true)
			return r.srv.URL
		}, dialTunnel},
		{"a name the certificate does not cover", func(t *testing.T) string { return newReplica(t).localhostURL() }, heartbeat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.first(t)
			c := failoverClient(t, first, live.srv.URL)
			if err := tt.call(c); err == nil || errors.Is(err, errStop) {
				t.Fatalf("the call to %s gave %v, want its failure", first, err)
			}
			expectHub(t, c, live.srv.URL)
			before := live.served.Load()
			_ = tt.call(c) // the replica's answer is no certificate: the registration fails after it
			if live.served.Load() != before+1 {
				t.Fatal("the call after the failover did not reach the live replica")
			}
		})
	}
}

// errStop ends a watch after its first event.
var errStop = errors.New("stop watching")

func dialTunnel(c *agentclient.Client) error {
	conn, err := c.OpenTunnel(context.Background())
	if err != nil {
		return err
	}
	return conn.Close()
}

// TestOtherOutcomesKeepTheURL: only an unreachable or unavailable hub moves the client; the
// hub's other answers, and a call its caller cancelled, do not.
func TestOtherOutcomesKeepTheURL(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "no", status)
			}))
			t.Cleanup(srv.Close)
			c := failoverClient(t, srv.URL, newReplica(t).srv.URL)
			var he *agentclient.HubError
			if err := heartbeat(c); !errors.As(err, &he) || he.StatusCode != status {
				t.Fatalf("heartbeat gave %v, want the hub's %d", err, status)
			}
			expectHub(t, c, srv.URL)
		})
	}
	t.Run("cancelled by the caller", func(t *testing.T) {
		dead := deadURL(t)
		c := failoverClient(t, dead, newReplica(t).srv.URL)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Heartbeat(ctx, protocol.Heartbeat{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("heartbeat gave %v, want its cancellation", err)
		}
		expectHub(t, c, dead)
	})
	t.Run("a single URL", func(t *testing.T) {
		dead := deadURL(t)
		c := failoverClient(t, dead)
		for range 2 {
			if err := heartbeat(c); err == nil {
				t.Fatal("the heartbeat to the dead URL succeeded")
			}
			expectHub(t, c, dead)
		}
	})
}

// TestConcurrentFailuresMoveOnce: the requests in flight when a replica fails all fail, and
// move the client by one URL, not one each.
func TestConcurrentFailuresMoveOnce(t *testing.T) {
	a, b := newReplica(t), newReplica(t)
	a.notReady.Store(true)
	a.together = 2 // both requests reach a before it answers
	c := failoverClient(t, a.srv.URL, b.srv.URL)

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = heartbeat(c) })
	}
	wg.Wait()
	for _, err := range errs {
		if err == nil {
			t.Fatal("a heartbeat to the replica that is not ready succeeded")
		}
	}
	expectHub(t, c, b.srv.URL)
}

// TestTheRealHubBehindTheSecondURL: an agent given a dead URL first registers, heartbeats
// and opens its tunnel through the real hub at its second URL.
func TestTheRealHubBehindTheSecondURL(t *testing.T) {
	th := newTestHub(t)
	dead := deadURL(t)
	c := th.newClient("c1", th.createCluster("c1"), func(o *agentclient.Options) {
		o.HubURL, o.HubURLs = startingAt(t, clusterID("c1"), dead, th.URL)
	})
	if _, err := c.Register(context.Background()); err == nil {
		t.Fatal("registering through the dead URL succeeded")
	}
	if _, err := c.Register(context.Background()); err != nil {
		t.Fatalf("registering through the hub's second URL: %v", err)
	}
	resp, err := c.Heartbeat(context.Background(), protocol.Heartbeat{})
	if err != nil || resp.ConnectivityStatus != "Connected" {
		t.Fatalf("heartbeat = %+v, %v; want Connected", resp, err)
	}
	if err := dialTunnel(c); err != nil {
		t.Fatalf("opening the tunnel: %v", err)
	}
	expectHub(t, c, th.URL)
}
