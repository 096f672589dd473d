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
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles holds the schema, one numbered file per version: NNNN_what.sql.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the key of the session advisory lock that migrations run under: "kubearc"
// as a number, unlikely to meet another application's lock in a shared database.
const migrationLock int64 = 0x6b75626561726300

// migration is one schema version.
type migration struct {
	version int
	name    string
	sql     string
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`

// migrate applies, in order and each in its own transaction, the migrations the database has
// not seen, holding the advisory lock on one connection throughout: a second replica starting
// at the same moment waits for the first and then finds nothing to do. It fails when the
// database is newer than this binary.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	migrations, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer func() {
		// A failed unlock leaves the lock with the session; closing the connection ends both.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock); err != nil {
			_ = conn.Hijack().Close(context.WithoutCancel(ctx))
		}
	}()
	return migrateLocked(ctx, conn.Conn(), migrations)
}

// migrateLocked applies the missing migrations on conn, which holds the migration lock.
func migrateLocked(ctx context.Context, conn *pgx.Conn, migrations []migration) error {
	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	latest := migrations[len(migrations)-1].version
	if current > latest {
		return fmt.Errorf("database schema version %d is newer than this kubearc-hub knows (%d): run a newer kubearc-hub or restore a matching backup", current, latest)
	}
	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return fmt.Errorf("record: %w", err)
			}
			_, err := tx.Exec(ctx, m.sql)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// loadMigrations reads the migrations of fsys, sorted by version, and checks that the
// versions run 1, 2, 3… without gaps or duplicates.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	migrations := make([]migration, 0, len(names))
	for _, name := range names {
		m, err := readMigration(fsys, name)
		if err != nil {
			return nil, err
		}
		migrations = append(migrations, m)
	}
	sort.Slice(migrations, func(i, j int) bool { return migrations[i].version < migrations[j].version })
	for i, m := range migrations {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d: versions must run 1, 2, 3… without gaps", m.name, m.version, i+1)
		}
	}
	if len(migrations) == 0 {
		return nil, fmt.Errorf("no migrations embedded")
	}
	return migrations, nil
}

// readMigration reads one NNNN_what.sql file.
func readMigration(fsys fs.FS, name string) (migration, error) {
	base := path.Base(name)
	prefix, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(prefix)
	if !ok || err != nil || version <= 0 {
		return migration{}, fmt.Errorf("migration %s: name must start with a positive number and '_', e.g. 0001_init.sql", base)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return migration{}, fmt.Errorf("read migration %s: %w", base, err)
	}
	return migration{version: version, name: base, sql: string(body)}, nil
}
