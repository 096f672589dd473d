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
	"strings"

	"github.com/kubearc/kubearc/hub/store/sqlstore"
)

// txOps is what sqlstore.CheckPrecondition reads and sqlstore.ApplyChanges writes in the
// transaction of a write.
type txOps struct{ tx *sql.Tx }

// Version returns the stored version of the resource id and whether it exists.
func (o txOps) Version(ctx context.Context, id string) (string, bool, error) {
	return currentVersion(ctx, o.tx, id)
}

// Children returns the key and version of parent's children of the types typeKeys.
func (o txOps) Children(ctx context.Context, parent string, typeKeys []string) (map[string]int64, error) {
	args := make([]any, 0, len(typeKeys)+1)
	args = append(args, sqlstore.Key(parent))
	for _, t := range typeKeys {
		args = append(args, t)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(typeKeys)), ", ")
	rows, err := o.tx.QueryContext(ctx, "SELECT key, version FROM resources WHERE parent_key = ? AND type_key IN ("+marks+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read children of %s: %w", parent, err)
	}
	defer func() { _ = rows.Close() }()
	children := map[string]int64{}
	for rows.Next() {
		var k string
		var version int64
		if err := rows.Scan(&k, &version); err != nil {
			return nil, fmt.Errorf("read children of %s: %w", parent, err)
		}
		children[k] = version
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read children of %s: %w", parent, err)
	}
	return children, nil
}

// currentVersion returns the stored version of the resource id and whether it exists.
func currentVersion(ctx context.Context, tx *sql.Tx, id string) (string, bool, error) {
	var v int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM resources WHERE key = ?", sqlstore.Key(id)).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("look up resource %s: %w", id, err)
	}
	return sqlstore.FormatRV(v), true, nil
}

// nextVersion takes the next resource version from its counter.
func nextVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	return increment(ctx, tx, "UPDATE resource_versions SET current = current + 1 WHERE id = 1 RETURNING current", "resource version")
}
