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

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/storetest"
)

func TestConformance(t *testing.T) {
	dir := t.TempDir()
	storetest.Run(t, func(t *testing.T, name string) store.Store {
		return openTest(t, filepath.Join(dir, name+".db"))
	})
}

func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(%s) = %v", dsn, err)
	}
	return s
}

func TestOpenSetsPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	for _, dsn := range []string{path, "file:" + path + "?cache=private"} {
		s := openTest(t, dsn)
		want := map[string]string{"journal_mode": "wal", "busy_timeout": "5000", "foreign_keys": "1", "synchronous": "1"}
		for pragma, value := range want {
			var got string
			if err := s.db.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil || got != value {
				t.Errorf("Open(%s): PRAGMA %s = %q, %v; want %q", dsn, pragma, got, err, value)
			}
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}
}

func TestOpenMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	for range 2 {
		s := openTest(t, path)
		want := []string{"0001_init.sql", "0002_resource_versions.sql", "0003_diagnostics.sql", "0004_connectivity_checks.sql", "0005_replicas.sql", "0006_hub_meta.sql", "0007_portal_sessions.sql"}
		if got := appliedMigrations(t, s.db); !slices.Equal(got, want) {
			t.Errorf("schema_migrations = %v, want %v once", got, want)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	}
}

func appliedMigrations(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "SELECT name FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer func() { _ = rows.Close() }()
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
	path := filepath.Join(t.TempDir(), "hub.db")
	s := openTest(t, path)
	if _, err := s.db.ExecContext(t.Context(), "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', '')"); err != nil {
		t.Fatalf("record a future migration: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	_, err := Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99 is newer") {
		t.Errorf("Open of a database from a newer hub = %v, want an error naming schema version 99", err)
	}
}

func TestOpenRejects(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"empty path", "", "path is empty"},
		{"foreign keys off", filepath.Join(t.TempDir(), "hub.db") + "?_foreign_keys=0", "foreign keys are off"},
		{"missing directory", filepath.Join(t.TempDir(), "missing", "hub.db"), "open sqlite store"},
	}
	for _, tt := range tests {
		s, err := Open(t.Context(), tt.dsn)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Open(%q) = %v, want an error containing %q", tt.name, tt.dsn, err, tt.want)
		}
		if s != nil {
			_ = s.Close()
		}
	}
}

// TestPanicReleasesConnection checks that a panic inside a transaction does not leave the
// store's only connection held by it.
func TestPanicReleasesConnection(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "hub.db"))
	t.Cleanup(func() { _ = s.Close() })
	func() {
		defer func() { _ = recover() }()
		_ = s.write(t.Context(), "panic", func(*sql.Tx) error { panic("boom") })
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := s.ListResources(ctx, store.ListQuery{}); err != nil {
		t.Errorf("ListResources after a panicking transaction = %v", err)
	}
}

func TestCanceledContext(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "hub.db"))
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.GetResource(ctx, "/subscriptions/s"); !errors.Is(err, context.Canceled) {
		t.Errorf("GetResource with a canceled context = %v, want context.Canceled", err)
	}
}
