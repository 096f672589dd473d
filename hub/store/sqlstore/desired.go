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
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// DesiredWriter writes, in the transaction of a write, the desired state of clusters.
type DesiredWriter interface {
	// MustExist fails with a *store.ConditionError wrapping store.ErrNotFound unless the
	// resource id exists.
	MustExist(ctx context.Context, id string) error
	// PutObject stores a desired object at a new resourceVersion, unless it is live with the
	// same spec already.
	PutObject(ctx context.Context, c store.DesiredChange) error
	// DeleteObject marks a desired object of the cluster clusterKey deleted at now.
	DeleteObject(ctx context.Context, clusterKey, kind, name string, now time.Time) error
}

// ApplyChanges applies desired-state changes in order with w; a change for a cluster that does
// not exist is a *store.ConditionError wrapping store.ErrNotFound.
func ApplyChanges(ctx context.Context, w DesiredWriter, changes []store.DesiredChange, now time.Time) error {
	checked := map[string]bool{}
	for _, c := range changes {
		if c.ClusterID == "" || c.Kind == "" || c.Name == "" {
			return fmt.Errorf("desired change %s/%s of cluster %q: cluster ID, kind and name are required", c.Kind, c.Name, c.ClusterID)
		}
		if !checked[Key(c.ClusterID)] {
			if err := w.MustExist(ctx, c.ClusterID); err != nil {
				return fmt.Errorf("desired change %s/%s: %w", c.Kind, c.Name, err)
			}
			checked[Key(c.ClusterID)] = true
		}
		var err error
		if c.Delete {
			err = w.DeleteObject(ctx, Key(c.ClusterID), c.Kind, c.Name, now)
		} else {
			err = w.PutObject(ctx, c)
		}
		if err != nil {
			return fmt.Errorf("desired change %s/%s of %s: %w", c.Kind, c.Name, c.ClusterID, err)
		}
	}
	return nil
}

// CheckWatchFrom fails with store.ErrGone unless the changes after resourceVersion from are
// all kept: from is not older than the compaction horizon compacted, nor newer than the
// store's current resourceVersion (the database was replaced).
func CheckWatchFrom(from, current, compacted int64) error {
	switch {
	case from < compacted:
		return fmt.Errorf("resourceVersion %d is older than the oldest change kept (%d): %w", from, compacted, store.ErrGone)
	case from > current:
		return fmt.Errorf("resourceVersion %d is newer than the store's %d: %w", from, current, store.ErrGone)
	}
	return nil
}
