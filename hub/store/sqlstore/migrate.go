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

// Package sqlstore holds the Go logic the SQL stores (SQLite, PostgreSQL) share around their
// dialect's SQL: the migration loader, the encoding and scanning of stored values, the
// evaluation of preconditions, the order of desired-state changes and the resource list query.
package sqlstore

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema version, read from a file NNNN_what.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the migrations/*.sql files of fsys, sorted by version, and checks that
// the versions run 1, 2, 3… without gaps or duplicates.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	migrations := make([]Migration, 0, len(names))
	for _, name := range names {
		m, err := readMigration(fsys, name)
		if err != nil {
			return nil, err
		}
		migrations = append(migrations, m)
	}
	sort.Slice(migrations, func(i, j int) bool { return migrations[i].Version < migrations[j].Version })
	for i, m := range migrations {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d: versions must run 1, 2, 3… without gaps", m.Name, m.Version, i+1)
		}
	}
	if len(migrations) == 0 {
		return nil, fmt.Errorf("no migrations embedded")
	}
	return migrations, nil
}

// Pending returns the migrations after the database's version current, in order. It fails
// when the database is newer than the latest of migrations, which LoadMigrations returned.
func Pending(migrations []Migration, current int) ([]Migration, error) {
	latest := migrations[len(migrations)-1].Version
	if current > latest {
		return nil, fmt.Errorf("database schema version %d is newer than this kubearc-hub knows (%d): run a newer kubearc-hub or restore a matching backup", current, latest)
	}
	var pending []Migration
	for _, m := range migrations {
		if m.Version > current {
			pending = append(pending, m)
		}
	}
	return pending, nil
}

// readMigration reads one NNNN_what.sql file.
func readMigration(fsys fs.FS, name string) (Migration, error) {
	base := path.Base(name)
	prefix, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(prefix)
	if !ok || err != nil || version <= 0 {
		return Migration{}, fmt.Errorf("migration %s: name must start with a positive number and '_', e.g. 0001_init.sql", base)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Migration{}, fmt.Errorf("read migration %s: %w", base, err)
	}
	return Migration{Version: version, Name: base, SQL: string(body)}, nil
}
