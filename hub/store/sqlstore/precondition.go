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

package sqlstore

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
)

// Key is the case-folded form of an ARM ID, type, subscription or group, as the SQL stores
// keep it.
func Key(s string) string { return strings.ToLower(s) }

// Versions reads, in the transaction of a write, what its precondition checks.
type Versions interface {
	// Version returns the stored version of the resource id and whether it exists.
	Version(ctx context.Context, id string) (version string, exists bool, err error)
	// Children returns the Key and version of every child of parent whose type Key is one of
	// typeKeys.
	Children(ctx context.Context, parent string, typeKeys []string) (map[string]int64, error)
}

// CheckPrecondition checks pre for the resource id against what v reads: a
// *store.ConditionError when it fails.
func CheckPrecondition(ctx context.Context, v Versions, id string, pre store.Precondition) error {
	version, exists, err := v.Version(ctx, id)
	if err != nil {
		return err
	}
	if err := checkOne(id, pre.Exists, pre.Version, version, exists); err != nil {
		return err
	}
	if err := CheckRelated(ctx, v, pre.Related); err != nil {
		return err
	}
	if pre.Children != nil {
		return checkChildren(ctx, v, id, pre.Children)
	}
	return nil
}

// CheckRelated checks that every resource of related (ID → version) exists at its version, in
// ID order so that the error names the same resource every time.
func CheckRelated(ctx context.Context, v Versions, related map[string]string) error {
	for _, rid := range slices.Sorted(maps.Keys(related)) {
		version, exists, err := v.Version(ctx, rid)
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

// checkChildren fails with ErrConflict unless the children of parent of the given types are
// exactly want.Versions.
func checkChildren(ctx context.Context, v Versions, parent string, want *store.Children) error {
	if len(want.Types) == 0 {
		return nil
	}
	types := make([]string, len(want.Types))
	for i, t := range want.Types {
		types[i] = Key(t)
	}
	got, err := v.Children(ctx, parent, types)
	if err != nil {
		return err
	}
	wantKeys := map[string]string{}
	for id, version := range want.Versions {
		wantKeys[Key(id)] = version
	}
	if len(got) != len(wantKeys) {
		return &store.ConditionError{ID: parent, Err: store.ErrConflict}
	}
	for k, version := range got {
		if wv, ok := wantKeys[k]; !ok || wv != FormatRV(version) {
			return &store.ConditionError{ID: parent, Err: store.ErrConflict}
		}
	}
	return nil
}
