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

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// upsertRuntime writes one runtime, but only while its cluster exists: the hub writes
// heartbeats behind, and a batch must not bring back a cluster deleted meanwhile.
const upsertRuntime = `INSERT INTO runtimes (cluster_key, cluster_id, heartbeat, last_heartbeat, certificate_not_after)
	SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM resources WHERE key = ?1)
	ON CONFLICT (cluster_key) DO UPDATE SET cluster_id = excluded.cluster_id, heartbeat = excluded.heartbeat,
		last_heartbeat = excluded.last_heartbeat, certificate_not_after = excluded.certificate_not_after`

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
		for _, r := range rs {
			heartbeat, err := json.Marshal(r.Heartbeat)
			if err != nil {
				return fmt.Errorf("encode heartbeat of %s: %w", r.ClusterID, err)
			}
			if _, err := stmt.ExecContext(ctx, key(r.ClusterID), r.ClusterID, string(heartbeat),
				formatTime(r.LastHeartbeat), formatTime(r.CertificateNotAfter)); err != nil {
				return fmt.Errorf("runtime of %s: %w", r.ClusterID, err)
			}
		}
		return nil
	})
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

// PutStatuses stores a cluster's statuses, replacing older ones per kind and name;
// store.ErrNotFound when the cluster does not exist.
func (s *Store) PutStatuses(ctx context.Context, clusterID string, statuses []protocol.ObjectStatus) error {
	return s.write(ctx, "put statuses of "+clusterID, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, clusterID); err != nil {
			return err
		}
		now := formatTime(s.now())
		for _, st := range statuses {
			if st.Kind == "" || st.Name == "" {
				return fmt.Errorf("status %s/%s: kind and name are required", st.Kind, st.Name)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO statuses (cluster_key, kind, name, observed_rv, status, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (cluster_key, kind, name) DO UPDATE SET observed_rv = excluded.observed_rv,
					status = excluded.status, updated_at = excluded.updated_at`,
				key(clusterID), st.Kind, st.Name, st.ObservedResourceVersion, string(st.Status), now)
			if err != nil {
				return fmt.Errorf("status %s/%s: %w", st.Kind, st.Name, err)
			}
		}
		return nil
	})
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
