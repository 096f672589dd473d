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

package pgtest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestMissingPostgresFailsLoudly: without PostgreSQL binaries, starting a server is an error
// that says what to run, never a silent skip.
func TestMissingPostgresFailsLoudly(t *testing.T) {
	t.Setenv("KUBEARC_PG_BINDIR", t.TempDir())
	_, err := startServer(t.Context(), "")
	if err == nil || !strings.Contains(err.Error(), "make postgres") || !strings.Contains(err.Error(), "holds no postgres binary") {
		t.Errorf("starting PostgreSQL without its binaries = %v, want an error saying to run make postgres", err)
	}
}

// TestHaltAndResume: a halted server refuses connections; resumed, it serves its data again
// at the same DSN.
func TestHaltAndResume(t *testing.T) {
	s := Start(t)
	dsn := s.Database(t, "keep")
	mustExec(t, dsn, "CREATE TABLE kept (v INT); INSERT INTO kept VALUES (42)")
	s.Halt(t)
	if conn, err := pgx.Connect(t.Context(), dsn); err == nil {
		_ = conn.Close(t.Context())
		t.Fatal("connected to a halted server")
	}
	s.Resume(t)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect after Resume: %v", err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	var v int
	if err := conn.QueryRow(t.Context(), "SELECT v FROM kept").Scan(&v); err != nil || v != 42 {
		t.Errorf("SELECT after Resume = %d, %v; want 42", v, err)
	}
}

// TestDatabasesAreSeparate: each test's database is its own.
func TestDatabasesAreSeparate(t *testing.T) {
	a, b := Database(t), Database(t)
	if a == b {
		t.Fatalf("Database returned %s twice", a)
	}
	mustExec(t, a, "CREATE TABLE only_in_a (v INT)")
	mustExec(t, b, "CREATE TABLE only_in_a (v INT)") // fails if b were a
}

func mustExec(t *testing.T, dsn, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
