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
	if _, err := runtime.ExecContext(ctx, key(r.ClusterID), r.ClusterID, string(heartbeat),
		formatTime(r.LastHeartbeat), formatTime(r.CertificateNotAfter)); err != nil || r.LastHeartbeat.IsZero() {
		return err
	}
	_, err = usage.ExecContext(ctx, key(r.ClusterID), formatTime(r.LastHeartbeat.Truncate(usageInterval)),
		r.Heartbeat.AgentCPUMillicores, r.Heartbeat.AgentMemoryBytes)
	return err
}

// ListRuntimes returns every stored runtime, ordered by case-folded cluster ID.
func (s *Store) ListRuntimes(ctx context.Context) ([]store.Runtime, error) {
	var list []store.Runtime
	err := s.read(ctx, "list runtimes", func(tx *sql.Tx) (err error) {
		list, err = queryAll(ctx, tx, scanRuntime, `SELECT cluster_id, heartbeat, last_heartbeat, certificate_not_after
			FROM runtimes ORDER BY cluster_key`)
		return err
	})
	return list, err
}

func scanRuntime(row scanner) (store.Runtime, error) {
	var r store.Runtime
	var heartbeat string
	var last, notAfter sql.NullString
	if err := row.Scan(&r.ClusterID, &heartbeat, &last, &notAfter); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(heartbeat), &r.Heartbeat); err != nil {
		return r, fmt.Errorf("decode heartbeat of %s: %w", r.ClusterID, err)
	}
	var err error
	if r.LastHeartbeat, err = parseTime(last); err != nil {
		return r, err
	}
	r.CertificateNotAfter, err = parseTime(notAfter)
	return r, err
}

// PutStatuses applies a status report to a cluster's stored statuses in one transaction;
// store.ErrNotFound when the cluster does not exist, a *store.StatusLimitError when the
// cluster would hold more statuses than u allows (nothing is written then).
func (s *Store) PutStatuses(ctx context.Context, clusterID string, u store.StatusUpdate) error {
	return s.write(ctx, "put statuses of "+clusterID, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, clusterID); err != nil {
			return err
		}
		before, err := countStatuses(ctx, tx, key(clusterID))
		if err != nil {
			return err
		}
		now := formatTime(s.now())
		for _, w := range u.Writes {
			if err := writeStatus(ctx, tx, key(clusterID), w, now); err != nil {
				return fmt.Errorf("status %s/%s: %w", w.Status.Kind, w.Status.Name, err)
			}
		}
		after, err := countStatuses(ctx, tx, key(clusterID))
		if err != nil {
			return err
		}
		return checkStatusLimits(u, before, after)
	})
}

// statusCounts are how many statuses a cluster holds: all, and those of cluster-owned objects.
type statusCounts struct{ total, clusterOwned int }

// countStatuses counts a cluster's stored statuses.
func countStatuses(ctx context.Context, tx *sql.Tx, clusterKey string) (statusCounts, error) {
	var c statusCounts
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN observed_rv = '' THEN 1 ELSE 0 END), 0)
		FROM statuses WHERE cluster_key = ?`, clusterKey).Scan(&c.total, &c.clusterOwned)
	if err != nil {
		return c, fmt.Errorf("count statuses: %w", err)
	}
	return c, nil
}

// checkStatusLimits refuses an update that left the cluster over a bound of u and with more
// than it had before: a cluster already over a lowered bound may still update and shrink.
func checkStatusLimits(u store.StatusUpdate, before, after statusCounts) error {
	if over(u.MaxClusterOwned, before.clusterOwned, after.clusterOwned) {
		return &store.StatusLimitError{ClusterOwned: true, Limit: u.MaxClusterOwned, Count: after.clusterOwned}
	}
	if over(u.MaxTotal, before.total, after.total) {
		return &store.StatusLimitError{Limit: u.MaxTotal, Count: after.total}
	}
	return nil
}

// over reports whether a count grew past limit (0: none).
func over(limit, before, after int) bool { return limit > 0 && after > limit && after > before }

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
			WHERE cluster_key = ? ORDER BY kind, name`, key(clusterID))
		return err
	})
	return list, err
}

func scanStatus(row scanner) (protocol.ObjectStatus, error) {
	var st protocol.ObjectStatus
	var status string
	if err := row.Scan(&st.Kind, &st.Name, &st.ObservedResourceVersion, &status); err != nil {
		return st, err
	}
	st.Status = rawJSON(status)
	return st, nil
}
