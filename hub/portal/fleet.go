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

package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/store"
)

const (
	clusterType       = "Microsoft.Kubernetes/connectedClusters"
	clusterAPIVersion = "2024-01-01"
	// scanBatch is how many stored clusters one store read of the fleet view takes.
	scanBatch = 500
)

// statuses are the connectivity states, in the order the fleet view counts them.
var statuses = []connectivity.Status{connectivity.Connected, connectivity.Offline, connectivity.Expired, connectivity.Connecting}

// fleetQuery is the fleet view's filter and page, from the URL's query.
type fleetQuery struct {
	Group, Connectivity, Version, Text string
	// Sort is a sortOrders value.
	Sort string
	// After is the page's start in the default order: the ID of the last cluster of the page
	// before; Start is the page's offset in the other orders.
	After string
	Start int
}

func parseFleetQuery(q url.Values) fleetQuery {
	start, _ := strconv.Atoi(q.Get("start"))
	return fleetQuery{Group: strings.TrimSpace(q.Get("group")), Connectivity: q.Get("connectivity"),
		Version: strings.TrimPrefix(strings.TrimSpace(q.Get("version")), "v"), Text: strings.TrimSpace(q.Get("q")),
		Sort: sortFor(q.Get("sort")).Value, After: q.Get("after"), Start: max(start, 0)}
}

// matches reports whether a stored cluster passes the filter, from what the store and the
// tracker hold (no API call per scanned cluster).
func (f fleetQuery) matches(res *store.Resource, rt store.Runtime, st connectivity.Status) bool {
	switch {
	case f.Group != "" && !strings.EqualFold(res.ResourceGroup, f.Group):
		return false
	case f.Connectivity != "" && !strings.EqualFold(string(st), f.Connectivity):
		return false
	case f.Version != "" && !strings.HasPrefix(strings.TrimPrefix(rt.Heartbeat.KubernetesVersion, "v"), f.Version):
		return false
	case f.Text != "" && !strings.Contains(strings.ToLower(res.ID+" "+rt.Heartbeat.Distribution), strings.ToLower(f.Text)):
		return false
	}
	return true
}

type countView struct {
	Status string
	Count  int
}

type fleetView struct {
	Query  fleetQuery
	Counts []countView
	Total  int
	Rows   []clusterRow
	// Next is the query of the next page, empty on the last; First that of the first page.
	Next, First string
	Statuses    []connectivity.Status
	Sorts       []sortOrder
}

func (p *Portal) fleet(w http.ResponseWriter, r *http.Request) {
	pr, _ := auth.PrincipalFrom(r.Context())
	q := parseFleetQuery(r.URL.Query())
	v := fleetView{Query: q, Statuses: statuses, Sorts: sortOrders}
	sv, err := p.survey(r.Context(), pr, q)
	if err == nil {
		v.Counts, v.Total = sv.counts(), sv.total
		v.Rows, v.Next, err = p.fleetPage(r.Context(), q, sv)
	}
	if err != nil {
		p.failed(w, r, err)
		return
	}
	if q.After != "" || q.Start > 0 {
		v.First = pageQuery(q, "", 0)
	}
	p.render(w, r, http.StatusOK, "fleet", v)
}

// survey is what one pass over the stored clusters finds: the counts by connectivity of those
// the principal may read, and the IDs of the query's page.
type survey struct {
	byStatus map[connectivity.Status]int
	total    int
	ids      []string
	more     bool
}

// counts are the survey's counts in the order of statuses.
func (s *survey) counts() []countView {
	out := make([]countView, 0, len(statuses))
	for _, st := range statuses {
		out = append(out, countView{Status: string(st), Count: s.byStatus[st]})
	}
	return out
}

// survey reads every cluster's stored row once, a store page at a time, holding none of them:
// it counts those pr may read by state and picks q's page. In the store's order (the
// default) the page is the first clusters after q.After that q selects; in another order
// only each selected cluster's sort key is kept (sortedIDs).
func (p *Portal) survey(ctx context.Context, pr auth.Principal, q fleetQuery) (*survey, error) {
	sv := &survey{byStatus: map[connectivity.Status]int{}}
	order := sortFor(q.Sort)
	var keys []sortKey
	err := p.scan(ctx, "", func(res *store.Resource) bool {
		if !pr.Can(auth.Read, res.ID) {
			return true
		}
		rt, st := p.opts.Tracker.Get(res.ID)
		sv.byStatus[st]++
		sv.total++
		switch {
		case !q.matches(res, rt, st):
		case order.key != nil:
			keys = append(keys, sortKey{key: order.key(res, rt, st), id: res.ID})
		case q.After != "" && strings.ToLower(res.ID) <= q.After:
		case len(sv.ids) == p.opts.PageSize:
			sv.more = true
		default:
			sv.ids = append(sv.ids, res.ID)
		}
		return true
	})
	if order.key != nil {
		sv.ids, sv.more = sortedIDs(keys, order, q.Start, p.opts.PageSize)
	}
	return sv, err
}

// fleetPage reads the rows of the survey's page through the API, and returns them with the
// query of the next page.
func (p *Portal) fleetPage(ctx context.Context, q fleetQuery, sv *survey) ([]clusterRow, string, error) {
	latest := p.latestAgent(ctx)
	rows := make([]clusterRow, 0, len(sv.ids))
	for _, id := range sv.ids {
		row, err := p.row(ctx, id, latest)
		if notFound(err) || forbidden(err) {
			continue // deleted since the scan
		}
		if err != nil {
			return nil, "", err
		}
		rows = append(rows, row)
	}
	next := ""
	switch {
	case sv.more && sortFor(q.Sort).key != nil:
		next = pageQuery(q, "", q.Start+p.opts.PageSize)
	case sv.more:
		next = pageQuery(q, strings.ToLower(sv.ids[len(sv.ids)-1]), 0)
	}
	return rows, next, nil
}

// scan calls fn with each stored cluster after the ID after, in the store's order, one
// store page at a time, until fn returns false.
func (p *Portal) scan(ctx context.Context, after string, fn func(*store.Resource) bool) error {
	for {
		batch, err := p.opts.Store.ListResources(ctx, store.ListQuery{Type: clusterType, After: after, Limit: scanBatch})
		if err != nil {
			return fmt.Errorf("listing clusters: %w", err)
		}
		for _, res := range batch {
			if !fn(res) {
				return nil
			}
			after = res.ID
		}
		if len(batch) < scanBatch {
			return nil
		}
	}
}

// pageQuery is the fleet URL of q's filter and sort starting after after, or at start.
func pageQuery(q fleetQuery, after string, start int) string {
	v := url.Values{}
	for k, s := range map[string]string{"group": q.Group, "connectivity": q.Connectivity, "version": q.Version, "q": q.Text,
		"after": after} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Sort != sortOrders[0].Value {
		v.Set("sort", q.Sort)
	}
	if start > 0 {
		v.Set("start", strconv.Itoa(start))
	}
	if len(v) == 0 {
		return Prefix
	}
	return Prefix + "?" + v.Encode()
}
