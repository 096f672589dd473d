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

// Package pgtest runs real, throw-away PostgreSQL servers for tests, through
// hack/postgres.sh: one server shared by a test binary (Main, Database), each test with its
// own database, and private servers (Start) that a test may halt and resume to see how its
// code behaves while PostgreSQL is down. A PostgreSQL that cannot start fails the test with
// what to run; it never skips.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a PostgreSQL server of hack/postgres.sh, listening on a unix socket in Dir.
type Server struct {
	// Dir holds the server's data, log and socket.
	Dir string
	// DSN connects to its postgres database as its superuser.
	DSN string
}

// shared is the test binary's shared server, started by the first Database call.
var shared struct {
	once   sync.Once
	server *Server
	err    error
	dbs    atomic.Int64
}

// Main runs the tests of m and then stops the shared server if a test started it. Use it
// from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared.server != nil {
		if err := shared.server.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	return code
}

// Database creates an empty database on the binary's shared server, starting the server
// the first time, and returns its DSN; the database is dropped when the test ends. Without
// Main in TestMain the shared server outlives the tests (in a temporary directory).
func Database(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.server, shared.err = startServer(context.Background(), "") })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.server.Database(t, fmt.Sprintf("test_%d_%d", os.Getpid(), shared.dbs.Add(1)))
}

// Start starts a private server in a temporary directory for this test only, stopped and
// removed when the test ends: for tests that halt and resume it.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := startServer(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	return s
}

// Database creates the database name on s (from template0) and returns its DSN; it is
// dropped, with its connections closed, when the test ends.
func (s *Server) Database(t testing.TB, name string) string {
	t.Helper()
	ident := pgx.Identifier{name}.Sanitize()
	if err := s.exec(t.Context(), "CREATE DATABASE "+ident+" TEMPLATE template0"); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(s.DSN, name)
}

// Halt stops the server, keeping its data: connections fail until Resume.
func (s *Server) Halt(t testing.TB) {
	t.Helper()
	if out, err := script(t.Context(), "halt", s.Dir); err != nil {
		t.Fatalf("halt PostgreSQL: %v\n%s", err, out)
	}
}

// Resume starts the halted server again on its data, at the same DSN.
func (s *Server) Resume(t testing.TB) {
	t.Helper()
	if _, err := startServer(t.Context(), s.Dir); err != nil {
		t.Fatal(err)
	}
}

// Restart halts the server and starts it again: every connection to it breaks.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Halt(t)
	s.Resume(t)
}

func (s *Server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := script(ctx, "stop", s.Dir); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w\n%s", s.Dir, err, out)
	}
	return nil
}

// exec runs one statement on the server's postgres database.
func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.DSN)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.Background()) }()
	_, err = conn.Exec(ctx, sql)
	return err
}

// startServer runs hack/postgres.sh start on dir (a new one when empty).
func startServer(ctx context.Context, dir string) (*Server, error) {
	args := []string{"start"}
	if dir != "" {
		args = append(args, dir)
	}
	out, err := script(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL did not start; these tests need a real one: run `make postgres` "+
			"(hack/postgres.sh installs Debian's postgresql package as root): %w\n%s", err, out)
	}
	dsn := strings.TrimSpace(string(out))
	u, err := url.Parse(dsn)
	if err != nil || u.Query().Get("host") == "" {
		return nil, fmt.Errorf("hack/postgres.sh start printed %q, not a DSN with a host", dsn)
	}
	return &Server{Dir: u.Query().Get("host"), DSN: dsn}, nil
}

// script runs hack/postgres.sh with args and returns its standard output, or its error
// output with the error.
func script(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(repoRoot(), "hack", "postgres.sh"), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return []byte(stderr.String()), err
	}
	return out, nil
}

// withDatabase is dsn with its database replaced by name.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(fmt.Sprintf("pgtest: DSN %q: %v", dsn, err))
	}
	u.Path = "/" + name
	return u.String()
}

// repoRoot is the repository's root, two levels above this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
