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

package workspaces

import (
	"context"
	"fmt"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// Get returns the requested workspace's document.
func (s *Service) Get(ctx context.Context, req Request) (*Doc, error) {
	rec, res, err := s.load(ctx, req.ID())
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, &nested.NotFoundError{ResourceType: ResourceType, ID: req.ID()}
	}
	return rec.doc(res.ID, req.Name, res.Version), nil
}

// Scope selects a page of workspaces: those of a subscription, or of one of its resource
// groups, that Visible keeps, after the one with ID After, at most Limit (default 100).
type Scope = nested.Scope

// List returns a page of the workspaces sc selects and, when more follow, the ID of its last
// one, after which the next page starts ("" otherwise).
func (s *Service) List(ctx context.Context, sc Scope) (*List, string, error) {
	limit := sc.Limit
	if limit <= 0 {
		limit = 100
	}
	page := &List{Value: []*Doc{}}
	for after := sc.After; ; {
		batch, err := s.store.ListResources(ctx, store.ListQuery{Type: ResourceType,
			Subscription: sc.Subscription, ResourceGroup: sc.ResourceGroup, After: after, Limit: limit})
		if err != nil {
			return nil, "", fmt.Errorf("listing workspaces: %w", err)
		}
		for _, res := range batch {
			after = res.ID
			if !sc.Visible(res.ID) {
				continue
			}
			rec, err := decode(res)
			if err != nil {
				return nil, "", err
			}
			if page.Value = append(page.Value, rec.doc(res.ID, nameOf(res.ID), res.Version)); len(page.Value) == limit {
				return page, after, nil
			}
		}
		if len(batch) < limit {
			return page, "", nil
		}
	}
}

// SetNextLink sets the link to the next page.
func (l *List) SetNextLink(link string) { l.NextLink = link }

// Delete deletes the requested workspace; false when there was none. A workspace that
// extensions are bound to is not deleted (409 naming them): their clusters send to it.
func (s *Service) Delete(ctx context.Context, req Request) (bool, error) {
	var deleted bool
	err := retry(req.Name, func() (err error) {
		deleted, err = s.deleteOnce(ctx, req)
		return err
	})
	return deleted, err
}

// deleteOnce is one attempt of Delete.
func (s *Service) deleteOnce(ctx context.Context, req Request) (bool, error) {
	rec, res, err := s.load(ctx, req.ID())
	if err != nil || rec == nil {
		return false, err
	}
	if err := req.Match.Check(true, res.Version); err != nil {
		return false, err
	}
	bound, err := s.boundExtensions(ctx, res.ID)
	if err != nil {
		return false, err
	}
	if len(bound) > 0 {
		return false, inUse(req, res.ID, bound)
	}
	if err := s.store.DeleteResource(ctx, res.ID, store.IfVersion(res.Version)); err != nil {
		return false, fmt.Errorf("deleting workspace %s: %w", res.ID, err)
	}
	return true, nil
}

// inUse is the conflict of deleting the workspace id while the extensions bound are bound to
// it. It names one only if the caller may read it, else it gives their number.
func inUse(req Request, id string, bound []Binding) error {
	for _, b := range bound {
		if req.MayRead != nil && req.MayRead(b.Extension) {
			return nested.Conflict("The workspace '%s' is used by %d extensions, e.g. '%s'; delete them, or point their setting '%s' at another workspace, first.",
				id, len(bound), b.Extension, b.Setting)
		}
	}
	return nested.Conflict("The workspace '%s' is used by %d extensions on clusters you may not read; ask their owners to delete them, or to point their setting '%s' at another workspace, first.",
		id, len(bound), bound[0].Setting)
}
