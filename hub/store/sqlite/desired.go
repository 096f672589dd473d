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
	"errors"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// DesiredState returns the cluster's live desired objects, ordered by kind and name, and the
// store's current resourceVersion. A cluster without objects has an empty state.
func (s *Store) DesiredState(ctx context.Context, clusterID string) (protocol.DesiredState, error) {
	state := protocol.DesiredState{Items: []protocol.DesiredObject{}}
	err := s.read(ctx, "read desired state of "+clusterID, func(tx *sql.Tx) error {
		current, _, err := versions(ctx, tx)
		if err != nil {
			return err
		}
		state.ResourceVersion = sqlstore.FormatRV(current)
		rows, err := tx.QueryContext(ctx, `SELECT kind, name, rv, spec FROM desired_objects
			WHERE cluster_key = ? AND deleted = 0 ORDER BY kind, name`, sqlstore.Key(clusterID))
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var o protocol.DesiredObject
			var rv int64
			var spec sql.NullString
			if err := rows.Scan(&o.Kind, &o.Name, &rv, &spec); err != nil {
				return err
			}
			o.ResourceVersion, o.Spec = sqlstore.FormatRV(rv), sqlstore.RawJSON(spec.String)
			state.Items = append(state.Items, o)
		}
		return rows.Err()
	})
	return state, err
}

// DesiredChanges returns the cluster's changes after since, oldest first, and the store's
// current resourceVersion. since "" is "0", the beginning. store.ErrGone when since is
// older than the compaction horizon, or newer than any resourceVersion the store issued
// (the database was replaced): either way the caller must list the whole state again.
func (s *Store) DesiredChanges(ctx context.Context, clusterID string, since string) ([]store.WatchChange, string, error) {
	from, err := sqlstore.ParseRV(since)
	if err != nil {
		return nil, "", fmt.Errorf("watch desired state of %s: %w", clusterID, err)
	}
	var changes []store.WatchChange
	var current int64
	err = s.read(ctx, "watch desired state of "+clusterID, func(tx *sql.Tx) error {
		var compacted int64
		var err error
		if current, compacted, err = versions(ctx, tx); err != nil {
			return err
		}
		if err := sqlstore.CheckWatchFrom(from, current, compacted); err != nil {
			return err
		}
		changes, err = changesSince(ctx, tx, sqlstore.Key(clusterID), from)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return changes, sqlstore.FormatRV(current), nil
}

// changesSince lists the objects of a cluster that changed after rv from, as watch events.
func changesSince(ctx context.Context, tx *sql.Tx, clusterKey string, from int64) ([]store.WatchChange, error) {
	rows, err := tx.QueryContext(ctx, `SELECT kind, name, rv, created_rv, spec, deleted FROM desired_objects
		WHERE cluster_key = ? AND rv > ? ORDER BY rv`, clusterKey, from)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	changes := []store.WatchChange{}
	for rows.Next() {
		var c store.WatchChange
		var rv, createdRV int64
		var spec sql.NullString
		var deleted bool
		if err := rows.Scan(&c.Object.Kind, &c.Object.Name, &rv, &createdRV, &spec, &deleted); err != nil {
			return nil, err
		}
		c.Object.ResourceVersion, c.Object.Spec = sqlstore.FormatRV(rv), sqlstore.RawJSON(spec.String)
		switch {
		case deleted:
			c.Type = protocol.Deleted
		case createdRV > from:
			c.Type = protocol.Added
		default:
			c.Type = protocol.Modified
		}
		changes = append(changes, c)
	}
	return changes, rows.Err()
}

// CompactDesired purges the tombstones of objects deleted before before and raises the
// compaction horizon to the newest resourceVersion purged.
func (s *Store) CompactDesired(ctx context.Context, before time.Time) error {
	return s.write(ctx, "compact desired state", func(tx *sql.Tx) error {
		var newest int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rv), 0) FROM desired_objects
			WHERE deleted = 1 AND deleted_at < ?`, sqlstore.FormatTime(before)).Scan(&newest)
		if err != nil {
			return fmt.Errorf("find tombstones: %w", err)
		}
		if newest == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM desired_objects WHERE deleted = 1 AND rv <= ?", newest); err != nil {
			return fmt.Errorf("purge tombstones: %w", err)
		}
		_, err = tx.ExecContext(ctx, "UPDATE desired_versions SET compacted_rv = MAX(compacted_rv, ?) WHERE id = 1", newest)
		return err
	})
}

// PutDesired applies changes on their own, atomically, if every resource of related is at its
// version; otherwise, or when a change's cluster does not exist, it is a *store.ConditionError
// and nothing is written.
func (s *Store) PutDesired(ctx context.Context, related map[string]string, changes ...store.DesiredChange) error {
	return s.write(ctx, "put desired state", func(tx *sql.Tx) error {
		if err := sqlstore.CheckRelated(ctx, txOps{tx}, related); err != nil {
			return err
		}
		return sqlstore.ApplyChanges(ctx, txOps{tx}, changes, s.now())
	})
}

// MustExist fails with a *store.ConditionError wrapping store.ErrNotFound unless id exists.
func (o txOps) MustExist(ctx context.Context, id string) error { return mustExist(ctx, o.tx, id) }

// PutObject stores the desired object of c unless its spec is unchanged.
func (o txOps) PutObject(ctx context.Context, c store.DesiredChange) error {
	return putObject(ctx, o.tx, c)
}

// DeleteObject turns a live desired object into a tombstone.
func (o txOps) DeleteObject(ctx context.Context, clusterKey, kind, name string, now time.Time) error {
	return deleteObject(ctx, o.tx, clusterKey, kind, name, now)
}

// putObject creates, replaces or revives one desired object unless its spec is unchanged.
func putObject(ctx context.Context, tx *sql.Tx, c store.DesiredChange) error {
	var spec sql.NullString
	var deleted bool
	err := tx.QueryRowContext(ctx, "SELECT spec, deleted FROM desired_objects WHERE cluster_key = ? AND kind = ? AND name = ?",
		sqlstore.Key(c.ClusterID), c.Kind, c.Name).Scan(&spec, &deleted)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case !deleted && spec.String == string(c.Spec):
		return nil
	}
	rv, err := nextRV(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO desired_objects (cluster_key, kind, name, rv, created_rv, spec)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (cluster_key, kind, name) DO UPDATE SET rv = excluded.rv, spec = excluded.spec,
			created_rv = CASE WHEN deleted = 1 THEN excluded.created_rv ELSE created_rv END,
			deleted = 0, deleted_at = NULL`,
		sqlstore.Key(c.ClusterID), c.Kind, c.Name, rv, rv, string(c.Spec))
	return err
}

// deleteObject turns a live desired object into a tombstone; absent or deleted objects are
// left alone.
func deleteObject(ctx context.Context, tx *sql.Tx, clusterKey, kind, name string, now time.Time) error {
	var deleted bool
	err := tx.QueryRowContext(ctx, "SELECT deleted FROM desired_objects WHERE cluster_key = ? AND kind = ? AND name = ?",
		clusterKey, kind, name).Scan(&deleted)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && deleted) {
		return nil
	}
	if err != nil {
		return err
	}
	rv, err := nextRV(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE desired_objects SET rv = ?, spec = NULL, deleted = 1, deleted_at = ?
		WHERE cluster_key = ? AND kind = ? AND name = ?`, rv, sqlstore.FormatTime(now), clusterKey, kind, name)
	return err
}

// tombstoneCluster deletes every live desired object of a cluster.
func tombstoneCluster(ctx context.Context, tx *sql.Tx, clusterKey string, now time.Time) error {
	rows, err := tx.QueryContext(ctx, "SELECT kind, name FROM desired_objects WHERE cluster_key = ? AND deleted = 0 ORDER BY kind, name", clusterKey)
	if err != nil {
		return fmt.Errorf("list desired objects of %s: %w", clusterKey, err)
	}
	var objects [][2]string
	for rows.Next() {
		var kind, name string
		if err := rows.Scan(&kind, &name); err != nil {
			_ = rows.Close()
			return fmt.Errorf("list desired objects of %s: %w", clusterKey, err)
		}
		objects = append(objects, [2]string{kind, name})
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("list desired objects of %s: %w", clusterKey, err)
	}
	for _, o := range objects {
		if err := deleteObject(ctx, tx, clusterKey, o[0], o[1], now); err != nil {
			return fmt.Errorf("delete desired object %s/%s of %s: %w", o[0], o[1], clusterKey, err)
		}
	}
	return nil
}

// nextRV takes the next resourceVersion from the global counter.
func nextRV(ctx context.Context, tx *sql.Tx) (int64, error) {
	return increment(ctx, tx, "UPDATE desired_versions SET current_rv = current_rv + 1 WHERE id = 1 RETURNING current_rv", "resourceVersion")
}

// increment runs update, which increments a counter and returns its new value, named what.
func increment(ctx context.Context, tx *sql.Tx, update, what string) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, update).Scan(&v); err != nil {
		return 0, fmt.Errorf("next %s: %w", what, err)
	}
	return v, nil
}

// versions reads the current resourceVersion and the compaction horizon.
func versions(ctx context.Context, tx *sql.Tx) (current, compacted int64, err error) {
	err = tx.QueryRowContext(ctx, "SELECT current_rv, compacted_rv FROM desired_versions WHERE id = 1").Scan(&current, &compacted)
	if err != nil {
		return 0, 0, fmt.Errorf("read resourceVersion: %w", err)
	}
	return current, compacted, nil
}
