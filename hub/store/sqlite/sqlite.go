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

// Package sqlite is the hub's embedded store: store.Store on one SQLite file, through the
// pure-Go driver modernc.org/sqlite.
//
// Concurrency: SQLite lets one connection write at a time. The Store therefore holds a
// single *sql.DB limited to one connection, so every transaction of the process runs on it
// in turn: goroutines queue in database/sql's pool (their contexts can cancel the wait)
// rather than meeting SQLITE_BUSY, and no method can deadlock with another. Reads wait for
// a running write too; the hub's transactions are short (a heartbeat batch of 1000 rows takes
// milliseconds), so one connection costs little and keeps the rules simple. Write
// transactions begin IMMEDIATE and busy_timeout is set, for the case of another process
// (a backup tool, the sqlite3 shell) holding the file's lock for a moment.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/kubearc/kubearc/hub/store"
)

// connParams are appended to every DSN; each new connection applies them. Values the DSN
// already names win, since the driver reads the first one.
const connParams = "_busy_timeout=5000&_journal_mode=WAL&_foreign_keys=1&_synchronous=NORMAL&_txlock=immediate"

// Store is a store.Store on an SQLite database. It is safe for concurrent use.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it if needed) the SQLite database at dsn, a file path or a
// "file:…?…" URI, and brings its schema up to date. It fails on a database whose schema is
// newer than this binary knows.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("open sqlite store: the database path is empty")
	}
	if err := prepareFile(dsn); err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", dsn, err)
	}
	db, err := sql.Open("sqlite", withConnParams(dsn))
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", dsn, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, now: time.Now}
	if err := s.init(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", dsn, err)
	}
	return s, nil
}

// withConnParams appends connParams to dsn's query.
func withConnParams(dsn string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + connParams
	}
	return dsn + "?" + connParams
}

// init checks the connection's settings and migrates the schema.
func (s *Store) init(ctx context.Context) error {
	var foreignKeys bool
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&foreignKeys); err != nil {
		return fmt.Errorf("read foreign_keys: %w", err)
	}
	if !foreignKeys {
		return errors.New("foreign keys are off: remove _foreign_keys or _pragma=foreign_keys from the DSN")
	}
	return migrate(ctx, s.db)
}

// Close closes the database. Calling it again does nothing.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close sqlite store: %w", err)
	}
	return nil
}

// write runs fn in a write transaction and wraps its error with what.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, what, &sql.TxOptions{}, fn)
}

// read runs fn in a read-only transaction, a consistent snapshot, and wraps its error.
func (s *Store) read(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, what, &sql.TxOptions{ReadOnly: true}, fn)
}

// inTx runs fn in a transaction. The deferred rollback (a no-op after Commit) also runs when
// fn panics: a transaction left open would hold the store's only connection forever.
func (s *Store) inTx(ctx context.Context, what string, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: begin transaction: %w", what, err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}
