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
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// logRowBytes estimates what a stored batch takes besides its lines, counted against the
// retention by size: the same figure as the SQLite store's, so both keep the same log.
const logRowBytes = 256

// AppendLogs stores a batch of a cluster's log in one transaction, then removes the cluster's
// oldest batches past r.MaxBytes; store.ErrNotFound when the cluster does not exist. A batch
// with neither lines nor a dropped count is not stored.
func (s *Store) AppendLogs(ctx context.Context, clusterID string, b store.LogBatch, r store.LogRetention) error {
	lines, err := store.EncodeLogLines(b.Lines)
	if err != nil {
		return fmt.Errorf("encode log lines of %s: %w", clusterID, err)
	}
	last, k := b.Newest(), sqlstore.Key(clusterID)
	size := int64(len(lines)) + logRowBytes + 2*int64(len(k))
	return s.write(ctx, "append logs of "+clusterID, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, clusterID); err != nil {
			return err
		}
		if len(b.Lines) == 0 && b.Dropped == 0 {
			return nil
		}
		var seq, cum int64
		err := tx.QueryRow(ctx, `INSERT INTO agent_log_batches (cluster_key, received_at, last_time, size, cum_bytes, dropped, lines)
			VALUES ($1, $2, $3, $4, $4::bigint + COALESCE((SELECT cum_bytes FROM agent_log_batches WHERE cluster_key = $1 ORDER BY seq DESC LIMIT 1), 0), $5, $6)
			RETURNING seq, cum_bytes`,
			k, sqlstore.FormatTime(b.ReceivedAt), sqlstore.FormatTime(last), size, b.Dropped, string(lines)).Scan(&seq, &cum)
		if err != nil {
			return err
		}
		return trimLogs(ctx, tx, k, seq, cum, r.MaxBytes)
	})
}

// trimLogs removes a cluster's oldest batches until its batches hold at most maxBytes; the
// newest batch always stays (see the SQLite store's trimLogs for why one range DELETE does).
func trimLogs(ctx context.Context, tx pgx.Tx, clusterKey string, newest, total, maxBytes int64) error {
	if maxBytes <= 0 || total <= maxBytes {
		return nil
	}
	_, err := tx.Exec(ctx, `DELETE FROM agent_log_batches WHERE cluster_key = $1 AND seq < $2
		AND seq <= (SELECT seq FROM agent_log_batches WHERE cluster_key = $1 AND cum_bytes >= $3 ORDER BY seq LIMIT 1)`,
		clusterKey, newest, total-maxBytes)
	return err
}

// ListLogs returns a cluster's log batches selected by q, oldest first.
func (s *Store) ListLogs(ctx context.Context, clusterID string, q store.LogQuery) ([]store.LogBatch, error) {
	query := `SELECT seq, received_at, dropped, lines, size FROM agent_log_batches
		WHERE cluster_key = $1 AND seq > $2 AND last_time >= $3 ORDER BY seq`
	args := []any{sqlstore.Key(clusterID), q.After, sqlstore.FormatTime(q.Since)}
	if q.Since.IsZero() {
		args[2] = ""
	}
	if q.Limit > 0 {
		args = append(args, q.Limit)
		query += " LIMIT $" + strconv.Itoa(len(args))
	}
	var list []store.LogBatch
	err := s.read(ctx, "list logs of "+clusterID, func(tx pgx.Tx) error {
		list = nil
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var total int64
		for rows.Next() && (q.MaxBytes <= 0 || total < q.MaxBytes) {
			b, size, err := scanLogBatch(rows)
			if err != nil {
				return err
			}
			list, total = append(list, b), total+size
		}
		return rows.Err()
	})
	return list, err
}

// scanLogBatch reads a row of seq, received_at, dropped, lines and size.
func scanLogBatch(row sqlstore.Scanner) (store.LogBatch, int64, error) {
	var b store.LogBatch
	var received *string
	var lines string
	var size int64
	if err := row.Scan(&b.Seq, &received, &b.Dropped, &lines, &size); err != nil {
		return b, 0, err
	}
	if err := json.Unmarshal([]byte(lines), &b.Lines); err != nil {
		return b, 0, fmt.Errorf("decode log batch %d: %w", b.Seq, err)
	}
	var err error
	b.ReceivedAt, err = parseTime(received)
	return b, size, err
}

// usageInterval is the time between a cluster's usage samples at most, as in the SQLite store.
const usageInterval = time.Minute

// insertUsage adds usage samples, unnested from one array per column, to their clusters'
// series while the cluster exists, once per cluster and time (the heartbeat's truncated to
// usageInterval): the first sample of a time stays.
const insertUsage = `INSERT INTO usage_samples (cluster_key, at, cpu_millicores, memory_bytes)
	SELECT u.k, u.at, u.cpu, u.mem FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u (k, at, cpu, mem)
	WHERE EXISTS (SELECT 1 FROM resources WHERE key = u.k)
	ON CONFLICT (cluster_key, at) DO NOTHING`

// ListUsage returns a cluster's usage samples from since on, oldest first.
func (s *Store) ListUsage(ctx context.Context, clusterID string, since time.Time) ([]store.UsageSample, error) {
	from := sqlstore.FormatTime(since)
	if since.IsZero() {
		from = ""
	}
	var list []store.UsageSample
	err := s.read(ctx, "list usage of "+clusterID, func(tx pgx.Tx) (err error) {
		list, err = queryAll(ctx, tx, scanUsage, `SELECT at, cpu_millicores, memory_bytes FROM usage_samples
			WHERE cluster_key = $1 AND at >= $2 ORDER BY at`, sqlstore.Key(clusterID), from)
		return err
	})
	return list, err
}

func scanUsage(row sqlstore.Scanner) (store.UsageSample, error) {
	var u store.UsageSample
	var at *string
	if err := row.Scan(&at, &u.CPUMillicores, &u.MemoryBytes); err != nil {
		return u, err
	}
	var err error
	u.Time, err = parseTime(at)
	return u, err
}

// pruneLogChunk and pruneUsageChunk are how many rows one transaction of PruneDiagnostics
// removes at most, so that pruning a day of a large fleet keeps every transaction short.
const (
	pruneLogChunk   = 100 // batches of up to 1 MiB
	pruneUsageChunk = 5000
)

// PruneDiagnostics removes log batches received before logsBefore and usage samples taken
// before usageBefore, in transactions of a bounded number of rows.
func (s *Store) PruneDiagnostics(ctx context.Context, logsBefore, usageBefore time.Time) error {
	if err := s.pruneChunks(ctx, "prune agent logs", `DELETE FROM agent_log_batches WHERE seq IN
		(SELECT seq FROM agent_log_batches WHERE received_at < $1 LIMIT $2)`, sqlstore.FormatTime(logsBefore), pruneLogChunk); err != nil {
		return err
	}
	return s.pruneChunks(ctx, "prune agent usage", `DELETE FROM usage_samples WHERE (cluster_key, at) IN
		(SELECT cluster_key, at FROM usage_samples WHERE at < $1 LIMIT $2)`, sqlstore.FormatTime(usageBefore), pruneUsageChunk)
}

// pruneChunks runs del (which takes a bound and a chunk size) in one transaction after
// another until it removes fewer rows than the chunk.
func (s *Store) pruneChunks(ctx context.Context, what, del string, before any, chunk int64) error {
	for {
		var n int64
		err := s.write(ctx, what, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, del, before, chunk)
			n = tag.RowsAffected()
			return err
		})
		if err != nil || n < chunk {
			return err
		}
	}
}
