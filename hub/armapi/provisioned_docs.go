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

package armapi

import (
	"context"
	"net/http"
	"sort"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// docViews renders the ARM documents D of a cluster's resources of one kind, given what the
// agent reported: those of the hub's records P, and those applied in the cluster, which the
// hub shows read-only.
type docViews[R any, P interface {
	*R
	nested.Record
}, D any] struct {
	// statuses maps a name to the agent's newest status.
	statuses map[string]protocol.ObjectStatus
	render   func(rec P) D
	// clusterOwned renders a status of a resource applied in the cluster; false when st is not one.
	clusterOwned func(st protocol.ObjectStatus) (D, bool)
}

// docOf returns the document of rec, or when rec is nil of the resource called name applied
// in the cluster; false when neither exists.
func (v docViews[R, P, D]) docOf(rec P, name string) (D, bool) {
	if rec != nil {
		return v.render(rec), true
	}
	if st, ok := v.statuses[name]; ok {
		return v.clusterOwned(st)
	}
	var none D
	return none, false
}

// all returns the documents of recs, then those applied in the cluster that the hub does
// not have, by name.
func (v docViews[R, P, D]) all(recs []P) []D {
	out := make([]D, 0, len(recs))
	hubOwned := map[string]bool{}
	for _, rec := range recs {
		_, name := rec.Ref()
		hubOwned[name] = true
		out = append(out, v.render(rec))
	}
	var names []string
	owned := map[string]D{}
	for n, st := range v.statuses {
		if doc, ok := v.clusterOwned(st); ok && !hubOwned[n] {
			names, owned[n] = append(names, n), doc
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, owned[n])
	}
	return out
}

// getDoc answers GET of one resource: the hub's record, or else the one applied in the
// cluster.
func getDoc[R any, P interface {
	*R
	nested.Record
}, D any](t provisioned[R, P], views func(nr *nestedRequest) (docViews[R, P, D], error), nr *nestedRequest) (int, any, error) {
	rec, err := t.load(nr)
	if err != nil {
		return 0, nil, err
	}
	v, err := views(nr)
	if err != nil {
		return 0, nil, err
	}
	if doc, ok := v.docOf(rec, nr.name); ok {
		return http.StatusOK, doc, nil
	}
	return 0, nil, notFound(t.resourceType, t.id(nr))
}

// listDocs answers the hub's resources of a cluster, then those applied in the cluster;
// page wraps the documents in the type's list document.
func listDocs[R any, P interface {
	*R
	nested.Record
}, D any](list func(ctx context.Context, clusterID string) ([]P, error), views func(nr *nestedRequest) (docViews[R, P, D], error),
	page func([]D) any, nr *nestedRequest) (int, any, error) {
	recs, err := list(nr.Context(), nr.clusterKey())
	if err != nil {
		return 0, nil, err
	}
	v, err := views(nr)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, page(v.all(recs)), nil
}
