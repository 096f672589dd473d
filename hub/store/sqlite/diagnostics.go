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
	"encoding/json"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// AppendLogs stores a batch of a cluster's log in one transaction, then removes the cluster's
// oldest batches past r.MaxBytes; store.ErrNotFound when the cluster does not exist.
func (s *Store) AppendLogs(ctx context.Context, clusterID string, b store.LogBatch, r store.LogRetention) error {
	lines, err := json.Marshal(b.Lines)
	if err != nil {
		return fmt.Errorf("encode log lines of %s: %w", clusterID, err)
	}
	last := newestLine(b)
	return s.write(ctx, "append logs of "+clusterID, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, clusterID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agent_log_batches (cluster_key, received_at, last_time, size, dropped, lines)
			VALUES (?, ?, ?, ?, ?, ?)`, key(clusterID), formatTime(b.ReceivedAt), formatTime(last), len(lines), b.Dropped, string(lines)); err != nil {
			return err
		}
		return trimLogs(ctx, tx, key(clusterID), r.MaxBytes)
	})
}

// newestLine is the time of a batch's newest line; ReceivedAt when it has none.
func newestLine(b store.LogBatch) time.Time {
	if len(b.Lines) == 0 {
		return b.ReceivedAt
	}
	last := b.Lines[0].Time
	for _, l := range b.Lines[1:] {
		if l.Time.After(last) {
			last = l.Time
		}
	}
	return last
}

// trimLogs removes a cluster's oldest batches until its batches hold at most maxBytes; the
// newest batch always stays.
func trimLogs(ctx context.Context, tx *sql.Tx, clusterKey string, maxBytes int64) error {
	if maxBytes <= 0 {
		return nil
	}
	// Newest first: the first older batch past the bound and every older one go.
	rows, err := tx.QueryContext(ctx, `SELECT seq, size FROM agent_log_batches WHERE cluster_key = ? ORDER BY seq DESC`, clusterKey)
	if err != nil {
		return err
	}
	var total, cut int64
	for newest := true; rows.Next() && cut == 0; newest = false {
		var seq, size int64
		if err := rows.Scan(&seq, &size); err != nil {
			_ = rows.Close()
			return err
		}
		if total += size; total > maxBytes && !newest {
			cut = seq
		}
	}
	if err := rows.Close(); err != nil || cut == 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM agent_log_batches WHERE cluster_key = ? AND seq <= ?`, clusterKey, cut)
	return err
}

// ListLogs returns a cluster's log batches selected by q, oldest first.
func (s *Store) ListLogs(ctx context.Context, clusterID string, q store.LogQuery) ([]store.LogBatch, error) {
	query := `SELECT seq, received_at, dropped, lines FROM agent_log_batches
		WHERE cluster_key = ? AND seq > ? AND last_time >= ? ORDER BY seq`
	args := []any{key(clusterID), q.After, formatTime(q.Since)}
	if q.Since.IsZero() {
		args[2] = ""
	}
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	var list []store.LogBatch
	err := s.read(ctx, "list logs of "+clusterID, func(tx *sql.Tx) (err error) {
		list, err = queryAll(ctx, tx, scanLogBatch, query, args...)
		return err
	})
	return list, err
}

func scanLogBatch(row scanner) (store.LogBatch, error) {
	var b store.LogBatch
	var received sql.NullString
	var lines string
	if err := row.Scan(&b.Seq, &received, &b.Dropped, &lines); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(lines), &b.Lines); err != nil {
		return b, fmt.Errorf("decode log batch %d: %w", b.Seq, err)
	}
	var err error
	b.ReceivedAt, err = parseTime(received)
	return b, err
}

// insertUsage adds a heartbeat's usage to its cluster's series, once per heartbeat time,
// while the cluster exists.
const insertUsage = `INSERT INTO usage_samples (cluster_key, at, cpu_millicores, memory_bytes)
	SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM resources WHERE key = ?1)
	ON CONFLICT (cluster_key, at) DO NOTHING`

// ListUsage returns a cluster's usage samples from since on, oldest first.
func (s *Store) ListUsage(ctx context.Context, clusterID string, since time.Time) ([]store.UsageSample, error) {
	from := formatTime(since)
	if since.IsZero() {
		from = ""
	}
	var list []store.UsageSample
	err := s.read(ctx, "list usage of "+clusterID, func(tx *sql.Tx) (err error) {
		list, err = queryAll(ctx, tx, scanUsage, `SELECT at, cpu_millicores, memory_bytes FROM usage_samples
			WHERE cluster_key = ? AND at >= ? ORDER BY at`, key(clusterID), from)
		return err
	})
	return list, err
}

func scanUsage(row scanner) (store.UsageSample, error) {
	var u store.UsageSample
	var at sql.NullString
	if err := row.Scan(&at, &u.CPUMillicores, &u.MemoryBytes); err != nil {
		return u, err
	}
	var err error
	u.Time, err = parseTime(at)
	return u, err
}

// PruneDiagnostics removes log batches received before logsBefore and usage samples taken
// before usageBefore.
func (s *Store) PruneDiagnostics(ctx context.Context, logsBefore, usageBefore time.Time) error {
	return s.write(ctx, "prune diagnostics", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM agent_log_batches WHERE received_at < ?", formatTime(logsBefore)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM usage_samples WHERE at < ?", formatTime(usageBefore))
		return err
	})
}
