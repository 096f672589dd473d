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
	"maps"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
)

// checkPrecondition checks pre against the resource id and those pre names, in tx.
func checkPrecondition(ctx context.Context, tx *sql.Tx, id string, pre store.Precondition) error {
	version, exists, err := currentVersion(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := checkOne(id, pre.Exists, pre.Version, version, exists); err != nil {
		return err
	}
	if err := checkRelated(ctx, tx, pre.Related); err != nil {
		return err
	}
	if pre.Children != nil {
		return checkChildren(ctx, tx, id, pre.Children)
	}
	return nil
}

// checkRelated checks that every resource of related (ID → version) exists at its version.
func checkRelated(ctx context.Context, tx *sql.Tx, related map[string]string) error {
	for _, rid := range slices.Sorted(maps.Keys(related)) {
		version, exists, err := currentVersion(ctx, tx, rid)
		if err != nil {
			return err
		}
		if err := checkOne(rid, store.MustExist, related[rid], version, exists); err != nil {
			return err
		}
	}
	return nil
}

// checkOne checks what is stored of one resource (its version, whether it exists) against
// what a precondition wants.
func checkOne(id string, want store.Existence, wantVersion, version string, exists bool) error {
	switch {
	case (wantVersion != "" || want == store.MustExist) && !exists:
		return &store.ConditionError{ID: id, Err: store.ErrNotFound}
	case wantVersion != "" && version != wantVersion, want == store.MustNotExist && exists:
		return &store.ConditionError{ID: id, Err: store.ErrConflict}
	}
	return nil
}

// checkChildren fails with ErrConflict unless the children of parent of the given types are
// exactly want.Versions.
func checkChildren(ctx context.Context, tx *sql.Tx, parent string, want *store.Children) error {
	if len(want.Types) == 0 {
		return nil
	}
	types := make([]any, 0, len(want.Types)+1)
	types = append(types, key(parent))
	for _, t := range want.Types {
		types = append(types, key(t))
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(want.Types)), ", ")
	rows, err := tx.QueryContext(ctx, "SELECT key, version FROM resources WHERE parent_key = ? AND type_key IN ("+marks+")", types...)
	if err != nil {
		return fmt.Errorf("read children of %s: %w", parent, err)
	}
	defer func() { _ = rows.Close() }()
	wantKeys := map[string]string{}
	for id, v := range want.Versions {
		wantKeys[key(id)] = v
	}
	n := 0
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("read children of %s: %w", parent, err)
		}
		if wv, ok := wantKeys[k]; !ok || wv != formatRV(v) {
			return &store.ConditionError{ID: parent, Err: store.ErrConflict}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read children of %s: %w", parent, err)
	}
	if n != len(wantKeys) {
		return &store.ConditionError{ID: parent, Err: store.ErrConflict}
	}
	return nil
}

// currentVersion returns the stored version of the resource id and whether it exists.
func currentVersion(ctx context.Context, tx *sql.Tx, id string) (string, bool, error) {
	var v int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM resources WHERE key = ?", key(id)).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("look up resource %s: %w", id, err)
	}
	return formatRV(v), true, nil
}

// nextVersion takes the next resource version from its counter.
func nextVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	return increment(ctx, tx, "UPDATE resource_versions SET current = current + 1 WHERE id = 1 RETURNING current", "resource version")
}
