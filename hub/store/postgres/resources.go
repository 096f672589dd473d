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
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// connectedClusterType is the case-folded ARM type whose deletion also removes the
// cluster's desired state, runtime and statuses.
const connectedClusterType = "microsoft.kubernetes/connectedclusters"

// GetResource returns the resource with this ARM ID, in any case, or store.ErrNotFound.
func (s *Store) GetResource(ctx context.Context, id string) (*store.Resource, error) {
	var r *store.Resource
	err := s.read(ctx, "get resource "+id, func(tx pgx.Tx) error {
		var err error
		r, err = sqlstore.ScanResource(tx.QueryRow(ctx, "SELECT "+sqlstore.ResourceColumns+" FROM resources WHERE key = $1", sqlstore.Key(id)))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return r, err
}

// PutResource creates or replaces r and applies changes, atomically, if pre holds, with the
// semantics of the SQLite store's PutResource.
func (s *Store) PutResource(ctx context.Context, r *store.Resource, pre store.Precondition, changes ...store.DesiredChange) (bool, error) {
	if err := sqlstore.ValidateResource(r); err != nil {
		return false, fmt.Errorf("put resource: %w", err)
	}
	var created bool
	in := *r
	err := s.writeResources(ctx, "put resource "+r.ID, func(tx pgx.Tx) error {
		*r = in // a retried attempt starts from the caller's resource again
		now := s.now()
		if err := sqlstore.CheckPrecondition(ctx, txOps{tx}, r.ID, pre); err != nil {
			return err
		}
		var err error
		if created, err = upsertResource(ctx, tx, r, now); err != nil {
			return err
		}
		if err := sqlstore.ApplyChanges(ctx, txOps{tx}, changes, now); err != nil {
			return err
		}
		n := changed(changes)
		if sqlstore.Key(r.Type) == connectedClusterType {
			n.add(r.ID)
		}
		return n.send(ctx, tx)
	})
	return created, err
}

// DeleteResource applies changes, then deletes the resource, its descendants and everything
// of each connectedCluster among them; its desired objects become tombstones.
// store.ErrNotFound when the resource does not exist; a failed precondition is a
// *store.ConditionError and deletes nothing.
func (s *Store) DeleteResource(ctx context.Context, id string, pre store.Precondition, changes ...store.DesiredChange) error {
	return s.writeResources(ctx, "delete resource "+id, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, id); err != nil {
			return err
		}
		if err := sqlstore.CheckPrecondition(ctx, txOps{tx}, id, pre); err != nil {
			return err
		}
		now := s.now()
		if err := sqlstore.ApplyChanges(ctx, txOps{tx}, changes, now); err != nil {
			return err
		}
		clusters, err := clustersInTree(ctx, tx, sqlstore.Key(id))
		if err != nil {
			return err
		}
		n := changed(changes)
		for _, c := range clusters {
			if err := tombstoneCluster(ctx, tx, c, now); err != nil {
				return err
			}
			n.add(c)
		}
		// The schema's ON DELETE CASCADE removes the descendants, runtimes and statuses.
		if _, err := tx.Exec(ctx, "DELETE FROM resources WHERE key = $1", sqlstore.Key(id)); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		return n.send(ctx, tx)
	})
}

// ListResources returns the resources q selects, ordered by case-folded ID.
func (s *Store) ListResources(ctx context.Context, q store.ListQuery) ([]*store.Resource, error) {
	if q.Limit < 0 {
		return nil, fmt.Errorf("list resources: limit %d is negative", q.Limit)
	}
	query, args := sqlstore.ListQuery(q, sqlstore.ResourceColumns, func(n int) string { return "$" + strconv.Itoa(n) })
	var list []*store.Resource
	err := s.read(ctx, "list resources", func(tx pgx.Tx) (err error) {
		list, err = queryAll(ctx, tx, sqlstore.ScanResource, query, args...)
		return err
	})
	return list, err
}

// upsertResource inserts or updates r and reports whether it is new.
func upsertResource(ctx context.Context, tx pgx.Tx, r *store.Resource, now time.Time) (bool, error) {
	var parentKey any
	if r.ParentID != "" {
		parentKey = sqlstore.Key(r.ParentID)
		if err := mustExist(ctx, tx, r.ParentID); err != nil {
			return false, fmt.Errorf("parent: %w", err)
		}
	}
	var version int64
	if err := tx.QueryRow(ctx, "SELECT nextval('resource_versions')").Scan(&version); err != nil {
		return false, fmt.Errorf("next resource version: %w", err)
	}
	r.Version = sqlstore.FormatRV(version)
	var id, createdAt string
	err := tx.QueryRow(ctx, "SELECT id, created_at FROM resources WHERE key = $1", sqlstore.Key(r.ID)).Scan(&id, &createdAt)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		_, err = tx.Exec(ctx, `INSERT INTO resources (key, id, type, type_key, subscription, subscription_key,
			resource_group, resource_group_key, parent_id, parent_key, body, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			sqlstore.Key(r.ID), r.ID, r.Type, sqlstore.Key(r.Type), r.Subscription, sqlstore.Key(r.Subscription), r.ResourceGroup,
			sqlstore.Key(r.ResourceGroup), r.ParentID, parentKey, string(r.Body), version, sqlstore.FormatTime(now))
		if err != nil {
			return false, fmt.Errorf("insert: %w", err)
		}
		r.CreatedAt, r.UpdatedAt = now.UTC(), now.UTC()
		return true, nil
	case err != nil:
		return false, fmt.Errorf("read: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE resources SET type = $1, type_key = $2, subscription = $3, subscription_key = $4,
		resource_group = $5, resource_group_key = $6, parent_id = $7, parent_key = $8, body = $9, version = $10,
		updated_at = $11 WHERE key = $12`,
		r.Type, sqlstore.Key(r.Type), r.Subscription, sqlstore.Key(r.Subscription), r.ResourceGroup, sqlstore.Key(r.ResourceGroup),
		r.ParentID, parentKey, string(r.Body), version, sqlstore.FormatTime(now), sqlstore.Key(r.ID))
	if err != nil {
		return false, fmt.Errorf("update: %w", err)
	}
	created, err := parseTime(&createdAt)
	if err != nil {
		return false, err
	}
	r.ID, r.CreatedAt, r.UpdatedAt = id, created, now.UTC()
	return false, nil
}

// mustExist returns a *store.ConditionError wrapping store.ErrNotFound unless the resource
// with this ARM ID exists.
func mustExist(ctx context.Context, tx pgx.Tx, id string) error {
	_, exists, err := currentVersion(ctx, tx, id)
	if err == nil && !exists {
		return &store.ConditionError{ID: id, Err: store.ErrNotFound}
	}
	return err
}

// clustersInTree returns the keys of the connectedClusters among the resource with key k
// and its descendants. UNION (not UNION ALL) ends the recursion even on a parent cycle.
func clustersInTree(ctx context.Context, tx pgx.Tx, k string) ([]string, error) {
	keys, err := queryAll(ctx, tx, func(row sqlstore.Scanner) (string, error) {
		var c string
		return c, row.Scan(&c)
	}, `WITH RECURSIVE tree (key, type_key) AS (
			SELECT key, type_key FROM resources WHERE key = $1
			UNION
			SELECT r.key, r.type_key FROM resources r JOIN tree t ON r.parent_key = t.key
		)
		SELECT key FROM tree WHERE type_key = $2 ORDER BY key`, k, connectedClusterType)
	if err != nil {
		return nil, fmt.Errorf("find clusters to delete: %w", err)
	}
	return keys, nil
}
