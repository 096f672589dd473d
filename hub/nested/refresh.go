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

package nested

import (
	"context"
	"errors"

	"github.com/kubearc/kubearc/hub/store"
)

// Refresh stores the cluster's resources that a Refresher kind changes; other kinds have
// nothing to refresh. Each write is conditional on the record and the cluster as read: one
// changed or deleted meanwhile is left to its writer.
func (s *Service[R, P, D]) Refresh(ctx context.Context, cluster *store.Resource) error {
	r, ok := s.kind.(Refresher[P])
	if !ok {
		return nil
	}
	recs, err := s.List(ctx, cluster.ID)
	if err != nil {
		return err
	}
	var errs []error
	for _, rec := range recs {
		if rec.Base().Deleting || !r.Refresh(rec) {
			continue
		}
		rec.Base().Phase = PhaseUpdating
		if _, err := s.Save(ctx, cluster, rec); !store.LostRace(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Refresh refreshes the cluster's resources of every kind (see Refresher).
func (r *Registry) Refresh(ctx context.Context, cluster *store.Resource) error {
	kinds := r.Kinds()
	errs := make([]error, 0, len(kinds))
	for _, k := range kinds {
		errs = append(errs, k.Refresh(ctx, cluster))
	}
	return errors.Join(errs...)
}
