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

// Package postgres is the hub's store for several replicas: store.Store on PostgreSQL, through
// pgx and its connection pool.
//
// Concurrency: every write runs SERIALIZABLE, so a precondition checked in a transaction
// still holds when it commits, on any replica; PostgreSQL aborts one of two transactions that
// would interleave badly (a serialization failure or deadlock), and the store runs it again,
// a bounded number of times with a growing, jittered pause, before it gives up with
// store.ErrRacesLost (which the hub answers with 409). Writes of resources and desired state,
// and portal sign-ins, first queue for a table lock, so that they do not starve each other
// out (a DELETE racing a stream of PATCHes would otherwise lose every time; sign-ins at once
// each read every session for the cap). Reads run REPEATABLE READ, one consistent snapshot
// each.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kubearc/kubearc/hub/store"
)

// Store is a store.Store on a PostgreSQL database. It is safe for concurrent use, by many
// processes on the same database.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

var _ store.Store = (*Store)(nil)

// Open connects to the PostgreSQL database at dsn (a postgres:// URL or key=value string; the
// pool takes pgxpool's settings from it, such as pool_max_conns) and brings its schema up to
// date, under an advisory lock so that replicas starting together migrate once. It fails on a
// database whose schema is newer than this binary knows. Errors never show the password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("open postgres store: the DSN is empty")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store %s: %w", Redact(dsn), err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres store %s: %w", Redact(dsn), err)
	}
	s := &Store{pool: pool, now: time.Now}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres store %s: %w", Redact(dsn), err)
	}
	return s, nil
}

// Redact returns dsn without its password, for logs and errors.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "redacted")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "redacted")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	fields := strings.Fields(dsn)
	for i, f := range fields {
		if strings.HasPrefix(strings.ToLower(f), "password=") {
			fields[i] = "password=redacted"
		}
	}
	return strings.Join(fields, " ")
}

// Close closes the pool, waiting for connections in use. Calling it again does nothing.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that the database answers, for the hub's readiness; store.ErrUnavailable
// when it cannot be reached.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		if unreachable(err) {
			return fmt.Errorf("ping postgres store: %w: %w", store.ErrUnavailable, err)
		}
		return fmt.Errorf("ping postgres store: %w", err)
	}
	return nil
}

// maxAttempts bounds how often a transaction aborted by a serialization failure runs.
const maxAttempts = 10

var (
	writeOptions = pgx.TxOptions{IsoLevel: pgx.Serializable}
	readOptions  = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
)

// write runs fn in a serializable transaction and wraps its error with what.
func (s *Store) write(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.inTx(ctx, what, writeOptions, fn)
}

// writeResources runs fn like write, after taking the lock that every write of resources
// takes first: writers of resources then commit one after the other, in the order they
// asked, as on SQLite, rather than abort each other (writeLocked).
func (s *Store) writeResources(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.writeLocked(ctx, what, "resources", fn)
}

// writeLocked runs fn like write, after locking table against the other writers that lock it
// so: they commit one after the other, in the order they asked, rather than abort each other
// when each reads what the others write. The lock is taken before the transaction's first
// query, so the snapshot that fn sees includes every write before it (LOCK takes no
// snapshot); SHARE ROW EXCLUSIVE lets readers, and writers of other tables that only refer to
// table, go on.
func (s *Store) writeLocked(ctx context.Context, what, table string, fn func(tx pgx.Tx) error) error {
	return s.write(ctx, what, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "LOCK TABLE "+pgx.Identifier{table}.Sanitize()+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("lock %s: %w", table, err)
		}
		return fn(tx)
	})
}

// read runs fn in a read-only transaction, a consistent snapshot, and wraps its error.
func (s *Store) read(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.inTx(ctx, what, readOptions, fn)
}

// inTx runs fn in a transaction, again while PostgreSQL aborts it for a conflict with
// another transaction, at most maxAttempts times, and once more when a pooled connection
// turned out dead before anything was sent on it (the server restarted meanwhile). A
// database out of reach is store.ErrUnavailable.
func (s *Store) inTx(ctx context.Context, what string, opts pgx.TxOptions, fn func(tx pgx.Tx) error) error {
	var err error
	for attempt := range maxAttempts {
		if attempt > 0 {
			if werr := pause(ctx, attempt); werr != nil {
				return fmt.Errorf("%s: %w", what, werr)
			}
		}
		err = pgx.BeginTxFunc(ctx, s.pool, opts, fn)
		if !conflicted(err) && (attempt > 0 || !pgconn.SafeToRetry(err) || ctx.Err() != nil) {
			break
		}
	}
	switch {
	case err == nil:
		return nil
	case conflicted(err):
		return fmt.Errorf("%s: %w (%d attempts: %w)", what, store.ErrRacesLost, maxAttempts, err)
	case unreachable(err):
		return fmt.Errorf("%s: %w: %w", what, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// pause waits before the attempt-th retry: 2 ms doubling up to 128 ms, with full jitter.
func pause(ctx context.Context, attempt int) error {
	limit := time.Millisecond << min(attempt, 7)
	t := time.NewTimer(limit/2 + rand.N(limit/2+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// conflicted reports whether err aborted a transaction for a conflict with a concurrent one,
// so that running it again on a newer snapshot can succeed: a serialization failure or a
// deadlock. A serializable transaction that checked for a key before it wrote one gets a
// serialization failure, not a unique violation, when a concurrent one committed that key;
// a unique or foreign key violation is a genuine error, returned as the SQLite store does.
func conflicted(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "40001" || pgErr.Code == "40P01"
}

// unreachable reports whether err says the database cannot be reached now: no connection,
// a connection lost, or a server shutting down, starting up or out of connections. The
// caller's own context ending is not.
func unreachable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || slices.Contains([]string{"57P01", "57P02", "57P03", "53300"}, pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}
