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
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// upsertRuntimes writes a batch of runtimes, unnested from one array per column, but only
// those whose cluster exists: the hub writes heartbeats behind, and a batch must not bring
// back a cluster deleted meanwhile. A runtime older than the stored one (a replica flushing
// late what an agent said before it moved to another) is skipped: a cluster's last
// heartbeat and certificate expiry never go backwards. The fixed-width UTC text of
// timeLayout orders like the times.
const upsertRuntimes = `INSERT INTO runtimes (cluster_key, cluster_id, heartbeat, last_heartbeat, certificate_not_after)
	SELECT u.k, u.id, u.hb, u.last, u.not_after
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u (k, id, hb, last, not_after)
	WHERE EXISTS (SELECT 1 FROM resources WHERE key = u.k)
	ON CONFLICT (cluster_key) DO UPDATE SET cluster_id = excluded.cluster_id, heartbeat = excluded.heartbeat,
		last_heartbeat = excluded.last_heartbeat, certificate_not_after = excluded.certificate_not_after
	WHERE runtimes.last_heartbeat IS NULL OR excluded.last_heartbeat >= runtimes.last_heartbeat`

// runtimeColumns are a batch of runtimes as the columns of upsertRuntimes and insertUsage.
type runtimeColumns struct {
	keys, ids, heartbeats []string
	lasts, notAfters      []*string
	usageKeys, usageTimes []string
	usageCPU, usageMemory []int64
}

// PutRuntimes writes a batch of runtimes in one transaction of two statements, whatever its
// size. Runtimes of clusters that no longer exist are skipped; of several runtimes of one
// cluster the last is kept, and each one's usage sample is added.
func (s *Store) PutRuntimes(ctx context.Context, rs []store.Runtime) error {
	if len(rs) == 0 {
		return nil
	}
	cols, err := columnsOf(rs)
	if err != nil {
		return fmt.Errorf("put %d runtimes: %w", len(rs), err)
	}
	return s.write(ctx, fmt.Sprintf("put %d runtimes", len(rs)), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, upsertRuntimes, cols.keys, cols.ids, cols.heartbeats, cols.lasts, cols.notAfters); err != nil {
			return err
		}
		if len(cols.usageKeys) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, insertUsage, cols.usageKeys, cols.usageTimes, cols.usageCPU, cols.usageMemory)
		return err
	})
}

// columnsOf encodes rs as columns: the last runtime of each cluster, and the usage sample of
// each runtime after a heartbeat, at most one per cluster and minute (as in the SQLite store).
func columnsOf(rs []store.Runtime) (*runtimeColumns, error) {
	c := &runtimeColumns{}
	row := map[string]int{}
	for _, r := range rs {
		heartbeat, err := json.Marshal(r.Heartbeat)
		if err != nil {
			return nil, fmt.Errorf("runtime of %s: encode heartbeat: %w", r.ClusterID, err)
		}
		k := sqlstore.Key(r.ClusterID)
		i, seen := row[k]
		if !seen {
			i, row[k] = len(c.keys), len(c.keys)
			c.keys, c.ids, c.heartbeats = append(c.keys, k), append(c.ids, ""), append(c.heartbeats, "")
			c.lasts, c.notAfters = append(c.lasts, nil), append(c.notAfters, nil)
		}
		c.ids[i], c.heartbeats[i] = r.ClusterID, string(heartbeat)
		c.lasts[i], c.notAfters[i] = nullableTime(r.LastHeartbeat), nullableTime(r.CertificateNotAfter)
		if !r.LastHeartbeat.IsZero() {
			c.usageKeys = append(c.usageKeys, k)
			c.usageTimes = append(c.usageTimes, r.LastHeartbeat.Truncate(usageInterval).UTC().Format(sqlstore.TimeLayout))
			c.usageCPU = append(c.usageCPU, r.Heartbeat.AgentCPUMillicores)
			c.usageMemory = append(c.usageMemory, r.Heartbeat.AgentMemoryBytes)
		}
	}
	return c, nil
}

// nullableTime is t as formatTime stores it, nil for the zero time.
func nullableTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(sqlstore.TimeLayout)
	return &s
}

// ListRuntimes returns every stored runtime, ordered by cluster.
func (s *Store) ListRuntimes(ctx context.Context) ([]store.Runtime, error) {
	var list []store.Runtime
	err := s.read(ctx, "list runtimes", func(tx pgx.Tx) (err error) {
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
	return s.write(ctx, "put statuses of "+clusterID, func(tx pgx.Tx) error {
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
func countStatuses(ctx context.Context, tx pgx.Tx, clusterKey string) (sqlstore.StatusCounts, error) {
	var c sqlstore.StatusCounts
	err := tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE observed_rv = '')
		FROM statuses WHERE cluster_key = $1`, clusterKey).Scan(&c.Total, &c.ClusterOwned)
	if err != nil {
		return c, fmt.Errorf("count statuses: %w", err)
	}
	return c, nil
}

// writeStatus applies one write: a removal, a status of a hub-owned object that is no longer
// desired (removed too), or a replacement.
func writeStatus(ctx context.Context, tx pgx.Tx, clusterKey string, w store.StatusWrite, now any) error {
	st := w.Status
	if st.Kind == "" || st.Name == "" {
		return errors.New("kind and name are required")
	}
	remove := w.Remove
	if !remove && st.ObservedResourceVersion != "" {
		var live bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM desired_objects
			WHERE cluster_key = $1 AND kind = $2 AND name = $3 AND NOT deleted)`, clusterKey, st.Kind, st.Name).Scan(&live)
		if err != nil {
			return err
		}
		remove = !live
	}
	if remove {
		_, err := tx.Exec(ctx, "DELETE FROM statuses WHERE cluster_key = $1 AND kind = $2 AND name = $3", clusterKey, st.Kind, st.Name)
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO statuses (cluster_key, kind, name, observed_rv, status, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (cluster_key, kind, name) DO UPDATE SET observed_rv = excluded.observed_rv,
			status = excluded.status, updated_at = excluded.updated_at`,
		clusterKey, st.Kind, st.Name, st.ObservedResourceVersion, string(st.Status), now)
	return err
}

// ListStatuses returns a cluster's stored statuses ordered by kind and name; none for an
// unknown cluster.
func (s *Store) ListStatuses(ctx context.Context, clusterID string) ([]protocol.ObjectStatus, error) {
	var list []protocol.ObjectStatus
	err := s.read(ctx, "list statuses of "+clusterID, func(tx pgx.Tx) (err error) {
		list, err = queryAll(ctx, tx, scanStatus, `SELECT kind, name, observed_rv, status FROM statuses
			WHERE cluster_key = $1 ORDER BY kind, name`, sqlstore.Key(clusterID))
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
