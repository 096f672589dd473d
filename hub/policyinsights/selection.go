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

package policyinsights

import (
	"context"
	"time"
)

// selection is a compiled $filter and $orderby over states of type R.
type selection[R any] struct {
	keep  predicate[R]
	order []orderKey[R]
}

// compile compiles the query's $filter and $orderby over the fields of R.
func compile[R any](q *Query, f fields[R], timestamp func(R) time.Time) (*selection[R], error) {
	keep, err := parseFilter(q.Filter, f)
	if err != nil {
		return nil, err
	}
	order, err := parseOrderBy(q.OrderBy, f, timestamp)
	if err != nil {
		return nil, err
	}
	return &selection[R]{keep: keep, order: order}, nil
}

// apply returns the states the filter keeps, in the requested order.
func (s *selection[R]) apply(states []R) []R {
	kept := states[:0:0]
	for _, st := range states {
		if s.keep(st) {
			kept = append(kept, st)
		}
	}
	sortBy(kept, s.order)
	return kept
}

// selectRows compiles the request's $filter and $orderby over the fields of R, then returns
// the rows of the records the request covers that the filter keeps, in order.
func selectRows[R any](ctx context.Context, s *Service, req *Request, f fields[R], timestamp func(R) time.Time,
	rows func([]*record) []R) ([]R, error) {
	sel, err := compile(&req.Query, f, timestamp)
	if err != nil {
		return nil, err
	}
	recs, err := s.records(ctx, req)
	if err != nil {
		return nil, err
	}
	return sel.apply(rows(recs)), nil
}
