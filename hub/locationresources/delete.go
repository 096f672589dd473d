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
	"fmt"
	"net/http"

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
	// Forgotten: the resource is gone from the hub but its CR was left in the cluster: the
	// cluster refused to delete it (403), it is not the resource's, or the cluster stayed
	// offline for the pending timeout. The DELETE's warning says which.
	Forgotten
)

// Delete deletes the resource and its CR; warning, for Forgotten, says why the CR stays in
// the cluster. A deletion the cluster refuses otherwise fails the resource and is answered
// with the cluster's message.
func (s *Service) Delete(ctx context.Context, req Request) (done Deletion, warning string, err error) {
	_, rt, err := s.resourceType(req)
	if err != nil {
		return NoResource, "", err
	}
	res, rec, err := s.load(ctx, req.ID())
	if err != nil || rec == nil {
		return NoResource, "", err
	}
	if rec.Phase == phaseSynced {
		return NoResource, "", readOnly(req.ID(), rt)
	}
	if rec.Phase != phaseDeleting { // a DELETE again does not restart the pending timeout
		rec.Phase, rec.PendingSince = phaseDeleting, s.now()
	}
	if res, err = s.save(ctx, res, rec); errors.Is(err, store.ErrNotFound) { // deleted meanwhile
		return NoResource, "", nil
	} else if err != nil {
		return NoResource, "", writeError(err, rec.ExtendedLocation.Name)
	}
	deleteCtx, cancel := context.WithTimeout(ctx, DefaultClusterTimeout)
	defer cancel()
	done, warning, err = s.deletePending(deleteCtx, res, rec, rt)
	if err != nil {
		return NoResource, "", writeError(err, rec.ExtendedLocation.Name)
	}
	return done, warning, nil
}

// deletePending deletes rec's CR, then the resource. A CR the cluster will not let the hub
// delete (403: the feature is off or the RoleBinding gone) or that is not the resource's,
// and one still not deleted after the pending timeout (the cluster stayed offline), is left
// in the cluster: the resource is forgotten (Forgotten, with why), so that it does not hang
// Deleting and keep its location from being deleted. Another refusal of the cluster fails
// the resource (and is returned); it stays Deleting (DeletePending) when the cluster is
// offline or did not answer.
func (s *Service) deletePending(ctx context.Context, res *store.Resource, rec *record, rt *catalog.ResourceType) (Deletion, string, error) {
	err := s.remove(ctx, res.ID, rec, rt)
	refused, isRefusal := refusal(err)
	switch {
	case err == nil:
	case isRefusal && refused.Code == codeCustomResourceConflict:
		return s.forget(ctx, res, rec, "The hub deleted the resource and left alone the custom resource of its name: "+refused.Message)
	case isRefusal && refused.Status == http.StatusForbidden:
		return s.forget(ctx, res, rec, kept(rec, rt, refused.Message))
	case isRefusal:
		rec.Phase, rec.Error = phaseFailed, "Deleting: "+refused.Message
		if _, err := s.save(ctx, res, rec); err != nil {
			return NoResource, "", err
		}
		return NoResource, "", refused
	case s.now().Sub(rec.PendingSince) > s.timeout:
		return s.forget(ctx, res, rec, kept(rec, rt, fmt.Sprintf("The cluster %s had no tunnel to the hub for %s after the resource was deleted.", rec.Cluster, s.timeout)))
	default:
		s.log.Debug("Deleting a resource on a custom location waits for its cluster", "resource", res.ID, "error", err)
		return DeletePending, "", nil
	}
	if err := s.store.DeleteResource(ctx, res.ID, store.IfVersion(res.Version)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return NoResource, "", err
	}
	return Deleted, "", nil
}

// kept is the warning of a resource deleted without its CR, because of why.
func kept(rec *record, rt *catalog.ResourceType, why string) string {
	return fmt.Sprintf("%s The hub deleted the resource but not the %s %s, which stays in namespace %s of the cluster %s: delete it there if it is not wanted.",
		why, rt.Kind, rec.Name, rec.Namespace, rec.Cluster)
}

// forget removes the resource from the hub without touching its CR, and returns warning,
// which says why the CR stays in the cluster.
func (s *Service) forget(ctx context.Context, res *store.Resource, rec *record, warning string) (Deletion, string, error) {
	if err := s.store.DeleteResource(ctx, res.ID, store.IfVersion(res.Version)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return NoResource, "", err
	}
	s.log.Warn("Deleted a resource on a custom location without its custom resource, which stays in the cluster",
		"resource", res.ID, "cluster", rec.Cluster, "namespace", rec.Namespace, "name", rec.Name, "reason", warning)
	return Forgotten, warning, nil
}
