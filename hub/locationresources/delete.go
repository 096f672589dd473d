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

package locationresources

import (
	"context"
	"errors"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
)

// Deletion is what a DELETE did.
type Deletion int

// Deletions.
const (
	// NoResource: there was nothing to delete.
	NoResource Deletion = iota
	// Deleted: the CR and the resource are gone.
	Deleted
	// DeletePending: the cluster is offline; Run deletes the CR when its tunnel returns.
	DeletePending
)

// Delete deletes the resource and its CR. A deletion the cluster refuses fails the resource
// and is answered with the cluster's message.
func (s *Service) Delete(ctx context.Context, req Request) (Deletion, error) {
	_, rt, err := s.resourceType(req)
	if err != nil {
		return NoResource, err
	}
	res, rec, err := s.load(ctx, req.ID())
	if err != nil || rec == nil {
		return NoResource, err
	}
	rec.Phase, rec.PendingSince = phaseDeleting, s.now()
	if res, err = s.save(ctx, res, rec); errors.Is(err, store.ErrNotFound) { // deleted meanwhile
		return NoResource, nil
	} else if err != nil {
		return NoResource, writeError(err, rec.ExtendedLocation.Name)
	}
	deleteCtx, cancel := context.WithTimeout(ctx, DefaultClusterTimeout)
	defer cancel()
	done, err := s.deletePending(deleteCtx, res, rec, rt)
	switch {
	case err != nil:
		return NoResource, writeError(err, rec.ExtendedLocation.Name)
	case done:
		return Deleted, nil
	}
	return DeletePending, nil
}

// deletePending deletes rec's CR, then the resource; done reports both gone. A refusal of
// the cluster fails the resource (and is returned); it stays Deleting when the cluster is
// offline or did not answer.
func (s *Service) deletePending(ctx context.Context, res *store.Resource, rec *record, rt *catalog.ResourceType) (bool, error) {
	err := s.remove(ctx, rec, rt)
	if refused, ok := refusal(err); ok {
		rec.Phase, rec.Error = phaseFailed, "Deleting: "+refused.Message
		if _, err := s.save(ctx, res, rec); err != nil {
			return false, err
		}
		return false, refused
	}
	if err != nil {
		s.log.Debug("Deleting a resource on a custom location waits for its cluster", "resource", res.ID, "error", err)
		return false, nil
	}
	if err := s.store.DeleteResource(ctx, res.ID, store.IfVersion(res.Version)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	return true, nil
}
