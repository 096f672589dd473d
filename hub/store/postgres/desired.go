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
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// DesiredState returns a cluster's live desired objects and the store's current
// resourceVersion, from one snapshot.
func (s *Store) DesiredState(ctx context.Context, clusterID string) (protocol.DesiredState, error) {
	state := protocol.DesiredState{Items: []protocol.DesiredObject{}}
	err := s.read(ctx, "read desired state of "+clusterID, func(tx pgx.Tx) error {
		state.Items = state.Items[:0]
		current, _, err := versions(ctx, tx)
		if err != nil {
			return err
		}
		state.ResourceVersion = sqlstore.FormatRV(current)
		items, err := queryAll(ctx, tx, scanDesiredObject, `SELECT kind, name, rv, spec FROM desired_objects
			WHERE cluster_key = $1 AND NOT deleted ORDER BY kind, name`, sqlstore.Key(clusterID))
		state.Items = append(state.Items, items...)
		return err
	})
	return state, err
}

// scanDesiredObject reads a row of kind, name, rv and spec.
func scanDesiredObject(row sqlstore.Scanner) (protocol.DesiredObject, error) {
	var o protocol.DesiredObject
	var rv int64
	var spec *string
	if err := row.Scan(&o.Kind, &o.Name, &rv, &spec); err != nil {
		return o, err
	}
	o.ResourceVersion = sqlstore.FormatRV(rv)
	if spec != nil {
		o.Spec = sqlstore.RawJSON(*spec)
	}
	return o, nil
}

// DesiredChanges returns the changes to a cluster's desired state after since, oldest
// first, and the store's current resourceVersion; store.ErrGone when since is older than the
// compaction horizon or newer than the store.
func (s *Store) DesiredChanges(ctx context.Context, clusterID string, since string) ([]store.WatchChange, string, error) {
	from, err := sqlstore.ParseRV(since)
	if err != nil {
		return nil, "", fmt.Errorf("watch desired state of %s: %w", clusterID, err)
	}
	var changes []store.WatchChange
	var current int64
	err = s.read(ctx, "watch desired state of "+clusterID, func(tx pgx.Tx) error {
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

// changesSince returns the cluster's objects changed after from, as watch events.
func changesSince(ctx context.Context, tx pgx.Tx, clusterKey string, from int64) ([]store.WatchChange, error) {
	changes, err := queryAll(ctx, tx, func(row sqlstore.Scanner) (store.WatchChange, error) {
		var c store.WatchChange
		var rv, createdRV int64
		var spec *string
		var deleted bool
		if err := row.Scan(&c.Object.Kind, &c.Object.Name, &rv, &createdRV, &spec, &deleted); err != nil {
			return c, err
		}
		c.Object.ResourceVersion = sqlstore.FormatRV(rv)
		if spec != nil {
			c.Object.Spec = sqlstore.RawJSON(*spec)
		}
		switch {
		case deleted:
			c.Type = protocol.Deleted
		case createdRV > from:
			c.Type = protocol.Added
		default:
			c.Type = protocol.Modified
		}
		return c, nil
	}, `SELECT kind, name, rv, created_rv, spec, deleted FROM desired_objects
		WHERE cluster_key = $1 AND rv > $2 ORDER BY rv`, clusterKey, from)
	if changes == nil {
		changes = []store.WatchChange{}
	}
	return changes, err
}

// CompactDesired purges the tombstones deleted before before and moves the compaction
// horizon past them.
func (s *Store) CompactDesired(ctx context.Context, before time.Time) error {
	return s.write(ctx, "compact desired state", func(tx pgx.Tx) error {
		var newest int64
		err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(rv), 0) FROM desired_objects
			WHERE deleted AND deleted_at < $1`, sqlstore.FormatTime(before)).Scan(&newest)
		if err != nil {
			return fmt.Errorf("find tombstones: %w", err)
		}
		if newest == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, "DELETE FROM desired_objects WHERE deleted AND rv <= $1", newest); err != nil {
			return fmt.Errorf("purge tombstones: %w", err)
		}
		_, err = tx.Exec(ctx, "UPDATE desired_versions SET compacted_rv = GREATEST(compacted_rv, $1) WHERE id = 1", newest)
		return err
	})
}

// PutDesired applies changes if every resource of related is still at its version.
func (s *Store) PutDesired(ctx context.Context, related map[string]string, changes ...store.DesiredChange) error {
	return s.writeResources(ctx, "put desired state", func(tx pgx.Tx) error {
		if err := sqlstore.CheckRelated(ctx, txOps{tx}, related); err != nil {
			return err
		}
		if err := sqlstore.ApplyChanges(ctx, txOps{tx}, changes, s.now()); err != nil {
			return err
		}
		return changed(changes).send(ctx, tx)
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

// putObject stores a desired object at a new resourceVersion, unless it is live with the
// same spec already.
func putObject(ctx context.Context, tx pgx.Tx, c store.DesiredChange) error {
	var spec *string
	var deleted bool
	err := tx.QueryRow(ctx, "SELECT spec, deleted FROM desired_objects WHERE cluster_key = $1 AND kind = $2 AND name = $3",
		sqlstore.Key(c.ClusterID), c.Kind, c.Name).Scan(&spec, &deleted)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	case !deleted && spec != nil && *spec == string(c.Spec):
		return nil
	}
	rv, err := nextRV(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO desired_objects (cluster_key, kind, name, rv, created_rv, spec)
		VALUES ($1, $2, $3, $4, $4, $5)
		ON CONFLICT (cluster_key, kind, name) DO UPDATE SET rv = excluded.rv, spec = excluded.spec,
			created_rv = CASE WHEN desired_objects.deleted THEN excluded.created_rv ELSE desired_objects.created_rv END,
			deleted = FALSE, deleted_at = NULL`,
		sqlstore.Key(c.ClusterID), c.Kind, c.Name, rv, string(c.Spec))
	return err
}

// deleteObject turns a live desired object into a tombstone at a new resourceVersion.
func deleteObject(ctx context.Context, tx pgx.Tx, clusterKey, kind, name string, now time.Time) error {
	var deleted bool
	err := tx.QueryRow(ctx, "SELECT deleted FROM desired_objects WHERE cluster_key = $1 AND kind = $2 AND name = $3",
		clusterKey, kind, name).Scan(&deleted)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && deleted) {
		return nil
	}
	if err != nil {
		return err
	}
	rv, err := nextRV(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE desired_objects SET rv = $1, spec = NULL, deleted = TRUE, deleted_at = $2
		WHERE cluster_key = $3 AND kind = $4 AND name = $5`, rv, sqlstore.FormatTime(now), clusterKey, kind, name)
	return err
}

// tombstoneCluster deletes every live desired object of a cluster.
func tombstoneCluster(ctx context.Context, tx pgx.Tx, clusterKey string, now time.Time) error {
	objects, err := queryAll(ctx, tx, func(row sqlstore.Scanner) ([2]string, error) {
		var o [2]string
		return o, row.Scan(&o[0], &o[1])
	}, "SELECT kind, name FROM desired_objects WHERE cluster_key = $1 AND NOT deleted ORDER BY kind, name", clusterKey)
	if err != nil {
		return fmt.Errorf("list desired objects of %s: %w", clusterKey, err)
	}
	for _, o := range objects {
		if err := deleteObject(ctx, tx, clusterKey, o[0], o[1], now); err != nil {
			return fmt.Errorf("delete desired object %s/%s of %s: %w", o[0], o[1], clusterKey, err)
		}
	}
	return nil
}

// nextRV takes the next desired-state resourceVersion. The row stays locked until the
// transaction ends, so resourceVersions are committed in order.
func nextRV(ctx context.Context, tx pgx.Tx) (int64, error) {
	var v int64
	if err := tx.QueryRow(ctx, "UPDATE desired_versions SET current_rv = current_rv + 1 WHERE id = 1 RETURNING current_rv").Scan(&v); err != nil {
		return 0, fmt.Errorf("next resourceVersion: %w", err)
	}
	return v, nil
}

// versions returns the current resourceVersion and the compaction horizon.
func versions(ctx context.Context, tx pgx.Tx) (current, compacted int64, err error) {
	err = tx.QueryRow(ctx, "SELECT current_rv, compacted_rv FROM desired_versions WHERE id = 1").Scan(&current, &compacted)
	if err != nil {
		return 0, 0, fmt.Errorf("read resourceVersion: %w", err)
	}
	return current, compacted, nil
}
