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
)

// Get returns the document of the requested resource: the hub's record, or else the one
// applied in the cluster; a NotFoundError when neither exists.
func (s *Service[R, P, D]) Get(ctx context.Context, req Request) (any, error) {
	rec, err := s.Load(ctx, s.id(req))
	if err != nil {
		return nil, err
	}
	notFound := &NotFoundError{ResourceType: s.names.ResourceType, ID: s.id(req)}
	clusterID := s.clusterOf(req, rec)
	if clusterID == "" {
		return nil, notFound
	}
	v, err := s.views(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	if doc, ok := v.docOf(rec, req.Name); ok {
		return doc, nil
	}
	return nil, notFound
}

// Render returns the document of rec, a stored record of a resource group's kind as Load
// returned it, with the state its host's agent reported.
func (s *Service[R, P, D]) Render(ctx context.Context, rec P) (D, error) {
	v, err := s.views(ctx, rec.Base().Host)
	if err != nil {
		var none D
		return none, err
	}
	return v.render(rec), nil
}

// ListPage returns the listing of the hub's resources of a cluster, then those applied in
// the cluster.
func (s *Service[R, P, D]) ListPage(ctx context.Context, clusterID string) (any, error) {
	recs, err := s.List(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	v, err := s.views(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	return s.kind.Page(v.all(recs)), nil
}

// writable returns the stored record (nil when new) if it may be written: not being
// deleted, not one applied in the cluster, and as the request's conditional headers want.
func (s *Service[R, P, D]) writable(ctx context.Context, req Request) (P, error) {
	old, err := s.Load(ctx, s.id(req))
	if err != nil {
		return nil, err
	}
	return old, s.mayWrite(ctx, req, old)
}

// mayWrite returns why the stored record old (nil when there is none) may not be written.
func (s *Service[R, P, D]) mayWrite(ctx context.Context, req Request, old P) error {
	if err := req.Match.Check(old != nil, etagOf(old)); err != nil {
		return err
	}
	if old == nil {
		return s.clusterOwnedConflict(ctx, req)
	}
	if old.Base().Deleting {
		return Conflict("The %s '%s' is being deleted; wait until the deletion finishes, or delete it with forceDelete=true.", s.names.Noun, req.Name)
	}
	return nil
}

// clusterOwnedConflict is the conflict to answer when the name is taken by a resource
// applied in the cluster, else nil. A resource group's resources are never applied in one.
func (s *Service[R, P, D]) clusterOwnedConflict(ctx context.Context, req Request) error {
	if s.names.InResourceGroup {
		return nil
	}
	v, err := s.views(ctx, req.Cluster.ID)
	if err != nil {
		return err
	}
	if _, owned := v.clusterOwned(req.Name); owned {
		return Conflict("The %s '%s' was created in the cluster (kubectl), not through this API, and is read-only here; "+
			"change or delete its %s resource in the cluster, or choose another name.", s.names.Noun, req.Name, s.names.ClusterKind)
	}
	return nil
}

// etagOf returns the version rec was read at; "" for none.
func etagOf[R any, P Ptr[R]](rec P) string {
	if rec == nil {
		return ""
	}
	return rec.Base().ETag
}

// Put creates or replaces the requested resource as a PUT body asks; created says it is new.
// The document shows provisioningState Creating or Updating. The write is a compare-and-swap
// on what was read, tried again when another writer got in between.
func (s *Service[R, P, D]) Put(ctx context.Context, req Request, decode Decoder) (created bool, doc any, err error) {
	change, err := s.kind.Put(decode)
	if err != nil {
		return false, nil, err
	}
	err = s.attempt(ctx, req, func(req Request) (err error) {
		created, doc, err = s.putOnce(ctx, req, change)
		return err
	})
	return created, doc, err
}

// putOnce is one attempt of Put.
func (s *Service[R, P, D]) putOnce(ctx context.Context, req Request, change Change[P]) (bool, any, error) {
	old, err := s.writable(ctx, req)
	if err != nil {
		return false, nil, err
	}
	rec, protected, err := change(old, nil)
	if err != nil {
		return false, nil, err
	}
	if protected, err = s.resolve(ctx, req, rec, protected); err != nil {
		return false, nil, err
	}
	m := rec.Base()
	m.ID, m.Name, m.Phase, m.Deleting, m.ETag = s.id(req), req.Name, PhaseCreating, false, etagOf(old)
	if old != nil {
		m.Audit, m.Phase = old.Base().Audit, PhaseUpdating
	}
	if err := s.host(ctx, &req, old, rec); err != nil {
		return false, nil, err
	}
	return s.write(ctx, req, rec, protected, old == nil)
}

// Patch changes the requested resource as a PATCH body asks; the document shows
// provisioningState Updating. A resource deleted meanwhile is a NotFoundError, never
// brought back.
func (s *Service[R, P, D]) Patch(ctx context.Context, req Request, decode Decoder) (doc any, err error) {
	change, err := s.kind.Patch(decode)
	if err != nil {
		return nil, err
	}
	err = s.attempt(ctx, req, func(req Request) (err error) {
		doc, err = s.patchOnce(ctx, req, change)
		return err
	})
	return doc, err
}

// patchOnce is one attempt of Patch.
func (s *Service[R, P, D]) patchOnce(ctx context.Context, req Request, change Change[P]) (any, error) {
	old, err := s.Load(ctx, s.id(req))
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, &NotFoundError{ResourceType: s.names.ResourceType, ID: s.id(req)}
	}
	if err := s.mayWrite(ctx, req, old); err != nil {
		return nil, err
	}
	protected, err := s.sealer.Open(old.Base().SealedProtectedSettings)
	if err != nil {
		return nil, err
	}
	etag := old.Base().ETag
	rec, protected, err := change(old, protected)
	if err != nil {
		return nil, err
	}
	if protected, err = s.resolve(ctx, req, rec, protected); err != nil {
		return nil, err
	}
	if err := s.host(ctx, &req, old, rec); err != nil {
		return nil, err
	}
	rec.Base().Phase, rec.Base().ETag = PhaseUpdating, etag
	_, doc, err := s.write(ctx, req, rec, protected, false)
	return doc, err
}

// write seals rec's protected settings, records who changed it, stores it and returns its
// document. A Creator kind acts first when the resource is new.
func (s *Service[R, P, D]) write(ctx context.Context, req Request, rec P, protected map[string]string, isNew bool) (bool, any, error) {
	s.touch(req, rec, isNew)
	var err error
	if rec.Base().SealedProtectedSettings, err = s.sealer.Seal(protected); err != nil {
		return false, nil, err
	}
	if c, ok := s.kind.(Creator); ok && isNew {
		if err := c.Creating(ctx, req, s.now().UTC()); err != nil {
			return false, nil, err
		}
	}
	created, err := s.Save(ctx, req.Cluster, rec)
	if err != nil {
		return false, nil, err
	}
	v, err := s.views(ctx, req.Cluster.ID)
	if err != nil {
		return false, nil, err
	}
	return created, v.render(rec), nil
}

// Deletion is what a DELETE did.
type Deletion int

// What a DELETE did.
const (
	// Absent: there was nothing to delete.
	Absent Deletion = iota
	// Removed: the resource is gone (forceDelete).
	Removed
	// Deleting: the resource is Deleting until the agent reports it removed.
	Deleting
)

// Delete marks the requested resource Deleting and removes its desired object, so the agent
// removes it; the record goes when the agent reports it gone. force removes it at once,
// without waiting for the agent. Either write is conditional on the record as read, so a
// resource deleted meanwhile is Absent and one changed meanwhile is read again.
func (s *Service[R, P, D]) Delete(ctx context.Context, req Request, force bool) (done Deletion, err error) {
	err = s.attempt(ctx, req, func(req Request) (err error) {
		done, err = s.deleteOnce(ctx, req, force)
		return err
	})
	return done, err
}

// deleteOnce is one attempt of Delete.
func (s *Service[R, P, D]) deleteOnce(ctx context.Context, req Request, force bool) (Deletion, error) {
	rec, err := s.Load(ctx, s.id(req))
	if err != nil {
		return Absent, err
	}
	if rec == nil {
		return Absent, s.clusterOwnedConflict(ctx, req)
	}
	if err := req.Match.Check(true, rec.Base().ETag); err != nil {
		return Absent, err
	}
	if d, ok := s.kind.(Deleter); ok {
		if err := d.Deleting(ctx, req, rec.Base().ID); err != nil {
			return Absent, err
		}
	}
	clusterID := s.clusterOf(req, rec)
	if force {
		return Removed, s.forceDelete(ctx, clusterID, rec)
	}
	if !rec.Base().Deleting {
		s.touch(req, rec, false)
		if err := s.markDeleting(ctx, clusterID, rec); err != nil {
			return Deleting, err
		}
	}
	return Deleting, nil
}
