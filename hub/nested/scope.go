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
	"fmt"

	"github.com/kubearc/kubearc/hub/store"
)

// Scope selects a page of a resource-group kind's resources: those of a subscription, or of
// one of its resource groups, that Visible keeps, after the one with ID After, at most Limit.
type Scope struct {
	Subscription, ResourceGroup string
	After                       string
	Limit                       int
	// Visible reports whether the caller may read the resource id.
	Visible func(id string) bool
}

// defaultPageSize is the page size of a Scope that sets none.
const defaultPageSize = 100

// ListIn returns the listing document of a page of the resources sc selects and, when more
// follow, the ID of its last one, after which the next page starts ("" otherwise).
func (s *Service[R, P, D]) ListIn(ctx context.Context, sc Scope) (page any, last string, err error) {
	if sc.Limit <= 0 {
		sc.Limit = defaultPageSize
	}
	docs := []D{}
	views := map[string]*views[R, P, D]{}
	for after := sc.After; ; {
		batch, err := s.store.ListResources(ctx, store.ListQuery{Type: s.names.ResourceType,
			Subscription: sc.Subscription, ResourceGroup: sc.ResourceGroup, After: after, Limit: sc.Limit})
		if err != nil {
			return nil, "", fmt.Errorf("listing %ss: %w", s.names.Noun, err)
		}
		for _, res := range batch {
			after = res.ID
			if !sc.Visible(res.ID) {
				continue
			}
			doc, err := s.listed(ctx, res, views)
			if err != nil {
				return nil, "", err
			}
			if docs = append(docs, doc); len(docs) == sc.Limit {
				return s.kind.Page(docs), after, nil
			}
		}
		if len(batch) < sc.Limit {
			return s.kind.Page(docs), "", nil
		}
	}
}

// listed renders a stored resource with what its cluster's agent reported, reading each
// cluster's reports once per page.
func (s *Service[R, P, D]) listed(ctx context.Context, res *store.Resource, seen map[string]*views[R, P, D]) (D, error) {
	var none D
	rec, err := s.decode(res)
	if err != nil {
		return none, err
	}
	v, ok := seen[res.ParentID]
	if !ok {
		if v, err = s.views(ctx, res.ParentID); err != nil {
			return none, err
		}
		seen[res.ParentID] = v
	}
	return v.render(rec), nil
}
