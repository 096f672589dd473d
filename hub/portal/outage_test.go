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

package portal_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/internal/syncbuf"
)

// outageStore is the hub's store that is out of reach while down is set (a PostgreSQL server
// restarting): tokens and resources cannot be read. While busy is set, a sign-in's write loses
// its races to other writers (store.ErrRacesLost). While slow is set, listings wait for their
// request to end. It counts the fleet view's listings.
type outageStore struct {
	store.Store
	down, busy, slow atomic.Bool
	listings         atomic.Int64
	// log is what the hub logged.
	log *syncbuf.Buffer
}

func (s *outageStore) fail() error {
	if s.down.Load() {
		return fmt.Errorf("dial tcp 10.0.0.9:5432: connection refused: %w", store.ErrUnavailable)
	}
	return nil
}

func (s *outageStore) FindToken(ctx context.Context, hash []byte) (*store.Token, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.Store.FindToken(ctx, hash)
}

func (s *outageStore) GetResource(ctx context.Context, id string) (*store.Resource, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.Store.GetResource(ctx, id)
}

func (s *outageStore) ListResources(ctx context.Context, q store.ListQuery) ([]*store.Resource, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	if q.Limit == 500 { // the fleet view's pass over the clusters
		s.listings.Add(1)
	}
	if s.slow.Load() {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Store.ListResources(ctx, q)
}

// GetPortalSession, TouchPortalSession and DeletePortalSession fail like the rest: the
// sessions live in the store too.
func (s *outageStore) GetPortalSession(ctx context.Context, idHash []byte) (*store.PortalSession, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.Store.GetPortalSession(ctx, idHash)
}

func (s *outageStore) TouchPortalSession(ctx context.Context, idHash []byte, at time.Time) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.TouchPortalSession(ctx, idHash, at)
}

func (s *outageStore) CreatePortalSession(ctx context.Context, ps *store.PortalSession, caps store.PortalSessionCaps) error {
	if s.busy.Load() {
		return fmt.Errorf("create portal session: %w (10 attempts: ERROR: could not serialize access (SQLSTATE 40001))", store.ErrRacesLost)
	}
	return s.Store.CreatePortalSession(ctx, ps, caps)
}

func (s *outageStore) DeletePortalSession(ctx context.Context, idHash []byte) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.DeletePortalSession(ctx, idHash)
}

// startHubWithStore is startHub over an outageStore.
func startHubWithStore(t *testing.T) (*hubtest.Hub, *outageStore) {
	t.Helper()
	cut := &outageStore{log: &syncbuf.Buffer{}}
	h, err := hubtest.Start(context.Background(), hubtest.Options{Clock: hubtest.NewClock(), Configure: func(c *server.Config) {
		c.WrapStore = func(st store.Store) store.Store { cut.Store = st; return cut }
		c.Log = slog.New(slog.NewTextHandler(cut.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	return h, cut
}

// TestABrowserThatLeftIsNoFailure: a page request the browser cancels (it went to another
// page) while the hub is still reading the store is logged quietly, not as the hub failing.
func TestABrowserThatLeftIsNoFailure(t *testing.T) {
	h, cut := startHubWithStore(t)
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	cut.slow.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL+"/portal/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := b.client.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("the page answered %s while its listing waited", resp.Status)
	}
	const quiet = "A portal request ended before its answer"
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(cut.log.String(), quiet); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the hub did not log %q:\n%s", quiet, cut.log.String())
		}
	}
	for _, failure := range []string{"A portal page failed", "level=ERROR"} {
		if strings.Contains(cut.log.String(), failure) {
			t.Fatalf("the hub logged %q for a request the browser cancelled:\n%s", failure, cut.log.String())
		}
	}
}

// watchEvents opens the live updates of the page at path and returns its event lines
// ("event: change", "event: ended"); the channel closes when the stream ends.
func watchEvents(t *testing.T, b *browser, path string) <-chan string {
	t.Helper()
	status, _, body := openStream(t, b, path)
	if status != http.StatusOK {
		t.Fatalf("events of %s: %d, want 200", path, status)
	}
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(body)
		for sc.Scan() {
			if len(sc.Text()) > 6 && sc.Text()[:6] == "event:" {
				lines <- sc.Text()
			}
		}
	}()
	return lines
}

// openStream requests the live updates of the page at path and returns the answer's status,
// content type and body; the test's end closes it.
func openStream(t *testing.T, b *browser, path string) (status int, contentType string, body io.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.h.URL+"/portal/events?u="+url.QueryEscape(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	client := *b.client
	client.Timeout = 0
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp.StatusCode, resp.Header.Get("Content-Type"), resp.Body
}

// A store outage is not a refused token nor a sign-out: the portal answers 503 saying to try
// again (a sign-out too), keeps the session and its live updates, and works again when the
// store is back.
func TestStoreOutageKeepsTheSession(t *testing.T) {
	h, cut := startHubWithStore(t)
	createCluster(t, h, "rg-a", "c0")
	b := newBrowser(t, h)
	form := csrf(t, b.signIn(h.AdminToken))
	events := watchEvents(t, b, "/portal/")

	cut.down.Store(true)
	// The session cannot be read (it is in the store), before and after the token's time in
	// the hub's cache: neither signs the browser out.
	fleet, cluster := b.get("/portal/"), b.get(clusterPage("rg-a", "c0"))
	h.Clock.Advance(11 * time.Second)
	pages := []page{fleet, cluster, b.get("/portal/"), newBrowser(t, h).post("/portal/signin", url.Values{"token": {h.AdminToken}}),
		b.post("/portal/signout", url.Values{"csrf": {form}})} // a sign-out that cannot reach the store says so
	for _, p := range pages {
		if p.status != http.StatusServiceUnavailable {
			t.Errorf("without the store: %d, want 503", p.status)
		}
		mustContain(t, p, `id="error-heading"`, "store is unavailable; try again shortly.")
		mustNotContain(t, p, `id="signin-form"`, "no longer accepts", "does not accept")
	}
	select { // three live checks without the store
	case line := <-events:
		t.Fatalf("the live stream sent %q during the outage, want nothing", line)
	case <-time.After(7 * time.Second):
	}

	cut.down.Store(false)
	mustContain(t, b.get("/portal/"), `id="whoami"`, `id="counts"`)
	createCluster(t, h, "rg-a", "c1")
	select {
	case line := <-events:
		if line != "event: change" {
			t.Fatalf("after the outage the live stream sent %q, want a change", line)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no change event after the outage: the stream ended")
	}
}

// A sign-in whose write keeps losing its races to other writers (many sign-ins at once on
// PostgreSQL) is a busy hub, not a failure: the portal answers 503 with Retry-After, saying
// to try again, sets no cookie, and the next try signs in.
func TestBusyStoreSignInSaysTryAgain(t *testing.T) {
	h, cut := startHubWithStore(t)
	b := newBrowser(t, h)
	cut.busy.Store(true)
	p := b.post("/portal/signin", url.Values{"token": {h.AdminToken}, "next": {"/portal/"}})
	if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" {
		t.Errorf("a sign-in that lost its races: %d with Retry-After %q, want 503 with Retry-After", p.status, p.header.Get("Retry-After"))
	}
	mustContain(t, p, `id="error-heading"`, "Try again shortly", "The hub is busy; try again shortly.")
	mustNotContain(t, p, "Something went wrong", h.AdminToken)
	if cookie := p.header.Get("Set-Cookie"); cookie != "" {
		t.Errorf("a sign-in that lost its races set a cookie: %s", cookie)
	}

	cut.busy.Store(false)
	mustContain(t, b.signIn(h.AdminToken), `id="whoami"`)
}
