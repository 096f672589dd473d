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
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/store"
)

// checkPrecondition checks pre for the resource id in tx: a *store.ConditionError when it
// fails. The transaction is serializable, so what it read still holds at commit.
func checkPrecondition(ctx context.Context, tx pgx.Tx, id string, pre store.Precondition) error {
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

// checkRelated checks that every resource of related exists at its version, in ID order so
// that the error names the same resource every time.
func checkRelated(ctx context.Context, tx pgx.Tx, related map[string]string) error {
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

// checkOne checks one resource's existence and version against what is wanted.
func checkOne(id string, want store.Existence, wantVersion, version string, exists bool) error {
	switch {
	case (wantVersion != "" || want == store.MustExist) && !exists:
		return &store.ConditionError{ID: id, Err: store.ErrNotFound}
	case wantVersion != "" && version != wantVersion, want == store.MustNotExist && exists:
		return &store.ConditionError{ID: id, Err: store.ErrConflict}
	}
	return nil
}

// checkChildren checks that parent's children of want.Types are exactly want.Versions.
func checkChildren(ctx context.Context, tx pgx.Tx, parent string, want *store.Children) error {
	if len(want.Types) == 0 {
		return nil
	}
	types := make([]string, len(want.Types))
	for i, t := range want.Types {
		types[i] = key(t)
	}
	rows, err := tx.Query(ctx, "SELECT key, version FROM resources WHERE parent_key = $1 AND type_key = ANY($2)", key(parent), types)
	if err != nil {
		return fmt.Errorf("read children of %s: %w", parent, err)
	}
	defer rows.Close()
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
func currentVersion(ctx context.Context, tx pgx.Tx, id string) (string, bool, error) {
	var v int64
	err := tx.QueryRow(ctx, "SELECT version FROM resources WHERE key = $1", key(id)).Scan(&v)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("look up resource %s: %w", id, err)
	}
	return formatRV(v), true, nil
}
