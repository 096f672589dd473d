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

package postgres

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/events"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/storetest"
	"github.com/kubearc/kubearc/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConformance(t *testing.T) {
	var mu sync.Mutex
	dsns := map[string]string{}
	storetest.Run(t, func(t *testing.T, name string) store.Store {
		mu.Lock()
		dsn, ok := dsns[name]
		if !ok {
			dsn = pgtest.Database(t)
			dsns[name] = dsn
		}
		mu.Unlock()
		return openTest(t, dsn)
	})
}

func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(%s) = %v", Redact(dsn), err)
	}
	return s
}

// TestOpenConcurrently starts several replicas on a new database at once: the migrations run
// once, and every replica works.
func TestOpenConcurrently(t *testing.T) {
	dsn := pgtest.Database(t)
	const replicas = 4
	stores := make([]*Store, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open = %v", i, err)
		}
		t.Cleanup(func() { _ = stores[i].Close() })
	}
	if got, want := appliedMigrations(t, stores[0]), []string{"0001_init.sql", "0002_replicas.sql", "0003_hub_meta.sql", "0004_portal_sessions.sql"}; !slices.Equal(got, want) {
		t.Errorf("schema_migrations = %v, want %v once", got, want)
	}
	for i, s := range stores {
		if _, err := s.ListResources(t.Context(), store.ListQuery{}); err != nil {
			t.Errorf("replica %d: ListResources = %v", i, err)
		}
	}
}

func appliedMigrations(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), "SELECT name FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		names = append(names, name)
	}
	return names
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.Database(t)
	s := openTest(t, dsn)
	if _, err := s.pool.Exec(t.Context(), "INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future.sql')"); err != nil {
		t.Fatalf("record a future migration: %v", err)
	}
	_ = s.Close()
	_, err := Open(t.Context(), dsn)
	if err == nil || !strings.Contains(err.Error(), "schema version 99 is newer") {
		t.Errorf("Open of a database from a newer hub = %v, want an error naming schema version 99", err)
	}
}

// TestOpenHidesPassword: a DSN that cannot connect fails with an error that names the
// server but not the password.
func TestOpenHidesPassword(t *testing.T) {
	const password = "s3cret-canary"
	for _, dsn := range []string{
		"postgres://kubearc:" + password + "@127.0.0.1:1/hub?sslmode=disable&connect_timeout=2",
		"host=127.0.0.1 port=1 user=kubearc password=" + password + " dbname=hub sslmode=disable connect_timeout=2",
		"postgres://kubearc@127.0.0.1:1/hub?password=" + password + "&sslmode=disable&connect_timeout=2",
		"postgres://kubearc:" + password + "@127.0.0.1:1/hub?sslmode=bogus",
	} {
		_, err := Open(t.Context(), dsn)
		if err == nil || strings.Contains(err.Error(), password) || !strings.Contains(err.Error(), "open postgres store") {
			t.Errorf("Open(<DSN with a password>) = %v, want an error without the password", err)
		}
	}
}

// TestServerRestart: while PostgreSQL is down, calls fail at once with store.ErrUnavailable
// (which the hub answers with 503); once it is back the store answers again by itself, on
// new connections.
func TestServerRestart(t *testing.T) {
	srv := pgtest.Start(t)
	s := openTest(t, srv.Database(t, "hub"))
	t.Cleanup(func() { _ = s.Close() })
	if err := s.CreateToken(t.Context(), &store.Token{ID: "t1", Hash: []byte("h1"), Role: "Reader", Scope: "/"}); err != nil {
		t.Fatal(err)
	}
	srv.Halt(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := s.ListTokens(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("ListTokens while PostgreSQL is down = %v, want store.ErrUnavailable", err)
	}
	if err := s.CreateToken(ctx, &store.Token{ID: "t2", Hash: []byte("h2"), Role: "Reader", Scope: "/"}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("CreateToken while PostgreSQL is down = %v, want store.ErrUnavailable", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ping while PostgreSQL is down = %v, want store.ErrUnavailable", err)
	}
	srv.Resume(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping after PostgreSQL restarted = %v", err)
	}
	tokens, err := s.ListTokens(t.Context())
	if err != nil || len(tokens) != 1 || tokens[0].ID != "t1" {
		t.Errorf("ListTokens after PostgreSQL restarted = %v, %v; want token t1", tokens, err)
	}
}

// TestCanceledContext: a canceled call ends with the context's error, not a retry loop.
func TestCanceledContext(t *testing.T) {
	s := openTest(t, pgtest.Database(t))
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.GetResource(ctx, "/subscriptions/s"); !errors.Is(err, context.Canceled) {
		t.Errorf("GetResource with a canceled context = %v, want context.Canceled", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://u:p@h:5432/db?sslmode=require", "postgres://u:redacted@h:5432/db?sslmode=require"},
		{"postgres://u@h/db?password=p", "postgres://u@h/db?password=redacted"},
		{"host=h user=u password=p dbname=db", "host=h user=u password=redacted dbname=db"},
		{"postgres://u@/db?host=/tmp/x", "postgres://u@/db?host=/tmp/x"},
	}
	for _, tt := range tests {
		if got := Redact(tt.dsn); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// TestListen: a write through one replica's store reaches a listener on another's, with the
// changed cluster's ID, after the listener said it listens.
func TestListen(t *testing.T) {
	dsn := pgtest.Database(t)
	a, b := openTest(t, dsn), openTest(t, dsn)
	t.Cleanup(func() { _, _ = a.Close(), b.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	listening, changes, done := make(chan struct{}), make(chan string, 10), make(chan error, 1)
	go func() { done <- a.Listen(ctx, func() { close(listening) }, func(id string) { changes <- id }) }()
	select {
	case <-listening:
	case err := <-done:
		t.Fatalf("Listen = %v before listening", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not start listening within 10s")
	}
	id := "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/C1"
	r := &store.Resource{ID: id, Type: "Microsoft.Kubernetes/connectedClusters", Subscription: "s", ResourceGroup: "g", Body: []byte(`{}`)}
	if _, err := b.PutResource(t.Context(), r, store.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-changes:
		if got != strings.ToLower(id) {
			t.Errorf("Listen reported %q, want %q", got, strings.ToLower(id))
		}
	case <-time.After(time.Second):
		t.Fatal("a write on another store did not reach the listener within 1s")
	}
	// A token revoked on another store: the listener hears which one.
	if err := b.CreateToken(t.Context(), &store.Token{ID: "t1", Hash: []byte("h1"), Role: "Reader", Scope: "/"}); err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeToken(t.Context(), "t1"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-changes:
		if got != events.TokenPayloadPrefix+"t1" {
			t.Errorf("Listen reported %q after a revocation, want %q", got, events.TokenPayloadPrefix+"t1")
		}
	case <-time.After(time.Second):
		t.Fatal("a token revoked on another store did not reach the listener within 1s")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Listen after its context ended = %v, want context.Canceled", err)
	}
}
