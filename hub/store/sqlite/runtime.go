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
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// upsertRuntime writes one runtime, but only while its cluster exists: the hub writes
// heartbeats behind, and a batch must not bring back a cluster deleted meanwhile. A runtime
// older than the stored one is skipped, as in the PostgreSQL store: a cluster's last
// heartbeat and certificate expiry never go backwards (timeLayout's text orders like the
// times).
const upsertRuntime = `INSERT INTO runtimes (cluster_key, cluster_id, heartbeat, last_heartbeat, certificate_not_after)
	SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM resources WHERE key = ?1)
	ON CONFLICT (cluster_key) DO UPDATE SET cluster_id = excluded.cluster_id, heartbeat = excluded.heartbeat,
		last_heartbeat = excluded.last_heartbeat, certificate_not_after = excluded.certificate_not_after
	WHERE runtimes.last_heartbeat IS NULL OR excluded.last_heartbeat >= runtimes.last_heartbeat`

// PutRuntimes writes a batch of runtimes in one transaction. Runtimes of clusters that no
// longer exist are skipped.
func (s *Store) PutRuntimes(ctx context.Context, rs []store.Runtime) error {
	if len(rs) == 0 {
		return nil
	}
	return s.write(ctx, fmt.Sprintf("put %d runtimes", len(rs)), func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, upsertRuntime)
		if err != nil {
			return err
		}
		defer func() { _ = stmt.Close() }()
		usage, err := tx.PrepareContext(ctx, insertUsage)
		if err != nil {
			return err
		}
		defer func() { _ = usage.Close() }()
		for _, r := range rs {
			if err := putRuntime(ctx, stmt, usage, r); err != nil {
				return fmt.Errorf("runtime of %s: %w", r.ClusterID, err)
			}
		}
		return nil
	})
}

// putRuntime writes one runtime and, after a heartbeat, its usage sample: at most one per
// cluster and minute (the first heartbeat of the minute, at the minute's start), which bounds
// the series to 1,440 samples per cluster and day whatever the heartbeat interval.
func putRuntime(ctx context.Context, runtime, usage *sql.Stmt, r store.Runtime) error {
	heartbeat, err := json.Marshal(r.Heartbeat)
	if err != nil {
		return fmt.Errorf("encode heartbeat: %w", err)
	}
	if _, err := runtime.ExecContext(ctx, sqlstore.Key(r.ClusterID), r.ClusterID, string(heartbeat),
		sqlstore.FormatTime(r.LastHeartbeat), sqlstore.FormatTime(r.CertificateNotAfter)); err != nil || r.LastHeartbeat.IsZero() {
		return err
	}
	_, err = usage.ExecContext(ctx, sqlstore.Key(r.ClusterID), sqlstore.FormatTime(r.LastHeartbeat.Truncate(usageInterval)),
		r.Heartbeat.AgentCPUMillicores, r.Heartbeat.AgentMemoryBytes)
	return err
}

// ListRuntimes returns every stored runtime, ordered by case-folded cluster ID.
func (s *Store) ListRuntimes(ctx context.Context) ([]store.Runtime, error) {
	var list []store.Runtime
	err := s.read(ctx, "list runtimes", func(tx *sql.Tx) (err error) {
		list, err = queryAll(ctx, tx, sqlstore.ScanRuntime, `SELECT cluster_id, heartbeat, last_heartbeat, certificate_not_after
			FROM runtimes ORDER BY cluster_key`)
		return err
	})
	return list, err
}

// PutStatuses applies a status report to a cluster's stored statuses in one transaction;
// store.ErrNotFound when the cluster does not exist, a *store.StatusLimitError when the
// cluster would hold more statuses than u allows (nothing is written then).
func (s *Store) PutStatuses(ctx context.Context, clusterID string, u store.StatusUpdate) error {
	return s.write(ctx, "put statuses of "+clusterID, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, clusterID); err != nil {
			return err
		}
		before, err := countStatuses(ctx, tx, sqlstore.Key(clusterID))
		if err != nil {
			return err
		}
		now := sqlstore.FormatTime(s.now())
		for _, w := range u.Writes {
			if err := writeStatus(ctx, tx, sqlstore.Key(clusterID), w, now); err != nil {
				return fmt.Errorf("status %s/%s: %w", w.Status.Kind, w.Status.Name, err)
			}
		}
		after, err := countStatuses(ctx, tx, sqlstore.Key(clusterID))
		if err != nil {
			return err
		}
		return sqlstore.CheckStatusLimits(u, before, after)
	})
}

// countStatuses counts a cluster's stored statuses.
func countStatuses(ctx context.Context, tx *sql.Tx, clusterKey string) (sqlstore.StatusCounts, error) {
	var c sqlstore.StatusCounts
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN observed_rv = '' THEN 1 ELSE 0 END), 0)
		FROM statuses WHERE cluster_key = ?`, clusterKey).Scan(&c.Total, &c.ClusterOwned)
	if err != nil {
		return c, fmt.Errorf("count statuses: %w", err)
	}
	return c, nil
}

// writeStatus applies one write: a removal, a status of a hub-owned object that is no longer
// desired (removed too), or a replacement.
func writeStatus(ctx context.Context, tx *sql.Tx, clusterKey string, w store.StatusWrite, now any) error {
	st := w.Status
	if st.Kind == "" || st.Name == "" {
		return errors.New("kind and name are required")
	}
	remove := w.Remove
	if !remove && st.ObservedResourceVersion != "" {
		live, err := isDesired(ctx, tx, clusterKey, st.Kind, st.Name)
		if err != nil {
			return err
		}
		remove = !live
	}
	if remove {
		_, err := tx.ExecContext(ctx, "DELETE FROM statuses WHERE cluster_key = ? AND kind = ? AND name = ?", clusterKey, st.Kind, st.Name)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO statuses (cluster_key, kind, name, observed_rv, status, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (cluster_key, kind, name) DO UPDATE SET observed_rv = excluded.observed_rv,
			status = excluded.status, updated_at = excluded.updated_at`,
		clusterKey, st.Kind, st.Name, st.ObservedResourceVersion, string(st.Status), now)
	return err
}

// isDesired reports whether the cluster has a live desired object of kind and name.
func isDesired(ctx context.Context, tx *sql.Tx, clusterKey, kind, name string) (bool, error) {
	var live bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM desired_objects
		WHERE cluster_key = ? AND kind = ? AND name = ? AND deleted = 0)`, clusterKey, kind, name).Scan(&live)
	return live, err
}

// ListStatuses returns a cluster's statuses ordered by kind and name; none for an unknown
// cluster.
func (s *Store) ListStatuses(ctx context.Context, clusterID string) ([]protocol.ObjectStatus, error) {
	var list []protocol.ObjectStatus
	err := s.read(ctx, "list statuses of "+clusterID, func(tx *sql.Tx) (err error) {
		list, err = queryAll(ctx, tx, scanStatus, `SELECT kind, name, observed_rv, status FROM statuses
			WHERE cluster_key = ? ORDER BY kind, name`, sqlstore.Key(clusterID))
		return err
	})
	return list, err
}

func scanStatus(row sqlstore.Scanner) (protocol.ObjectStatus, error) {
	var st protocol.ObjectStatus
	var status string
	if err := row.Scan(&st.Kind, &st.Name, &st.ObservedResourceVersion, &status); err != nil {
		return st, err
	}
	st.Status = sqlstore.RawJSON(status)
	return st, nil
}
