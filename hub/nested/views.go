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
	"sort"
)

// views renders the documents of a cluster's resources of one kind with what the agent
// reported: those of the hub's records, and those applied in the cluster, shown read-only.
type views[R any, P Ptr[R], D any] struct {
	svc       *Service[R, P, D]
	clusterID string
	observed  *Observed
}

func (s *Service[R, P, D]) views(ctx context.Context, clusterID string) (*views[R, P, D], error) {
	obs, err := s.Observe(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	return &views[R, P, D]{svc: s, clusterID: clusterID, observed: obs}, nil
}

// render returns rec's document with its state and, for a kind whose document has one, its
// etag.
func (v *views[R, P, D]) render(rec P) D {
	desiredRV, st := v.observed.Of(v.svc.objectName(rec))
	doc := v.svc.kind.Render(rec, desiredRV, st)
	if d, ok := any(doc).(interface{ SetETag(string) }); ok {
		d.SetETag(FormatETag(rec.Base().ETag))
	}
	return doc
}

// clusterOwned returns the document of the resource name applied in the cluster; false when
// there is none.
func (v *views[R, P, D]) clusterOwned(name string) (D, bool) {
	st, ok := v.observed.Statuses[name]
	if !ok {
		var none D
		return none, false
	}
	return v.svc.kind.ClusterOwned(v.clusterID, st)
}

// docOf returns the document of rec, or when rec is nil of the resource called name applied
// in the cluster; false when neither exists.
func (v *views[R, P, D]) docOf(rec P, name string) (D, bool) {
	if rec != nil {
		return v.render(rec), true
	}
	return v.clusterOwned(name)
}

// all returns the documents of recs, then those applied in the cluster that the hub does
// not have, by name.
func (v *views[R, P, D]) all(recs []P) []D {
	out := make([]D, 0, len(recs))
	hubOwned := map[string]bool{}
	for _, rec := range recs {
		hubOwned[v.svc.objectName(rec)] = true
		out = append(out, v.render(rec))
	}
	var names []string
	for name := range v.observed.Statuses {
		if !hubOwned[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if doc, ok := v.clusterOwned(name); ok {
			out = append(out, doc)
		}
	}
	return out
}
