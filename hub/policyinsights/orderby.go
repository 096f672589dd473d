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
	"slices"
	"strings"
	"time"
)

// orderKey is one key of a compiled $orderby.
type orderKey[R any] struct {
	compare func(a, b R) int
	desc    bool
}

// sortBy orders states by keys; states equal by every key keep their order.
func sortBy[R any](states []R, keys []orderKey[R]) {
	if len(keys) == 0 {
		return
	}
	slices.SortStableFunc(states, func(a, b R) int {
		for _, k := range keys {
			c := k.compare(a, b)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// parseOrderBy compiles an $orderby: comma-separated fields (those of $filter, and
// timestamp), each with asc or desc, desc by default as in ARM; empty orders nothing.
func parseOrderBy[R any](orderBy string, f fields[R], timestamp func(R) time.Time) ([]orderKey[R], error) {
	if strings.TrimSpace(orderBy) == "" {
		return nil, nil
	}
	var keys []orderKey[R]
	for _, part := range strings.Split(orderBy, ",") {
		words := strings.Fields(part)
		if len(words) == 0 || len(words) > 2 || len(words) == 2 && !isDirection(words[1]) {
			return nil, orderByError(orderBy, f)
		}
		k := orderKey[R]{desc: len(words) == 1 || strings.EqualFold(words[1], "desc")}
		if strings.EqualFold(words[0], "timestamp") {
			k.compare = func(a, b R) int { return timestamp(a).Compare(timestamp(b)) }
		} else if fl, ok := f.lookup(words[0]); ok {
			k.compare = func(a, b R) int { return strings.Compare(strings.ToLower(fl.get(a)), strings.ToLower(fl.get(b))) }
		} else {
			return nil, orderByError(orderBy, f)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func isDirection(s string) bool { return strings.EqualFold(s, "asc") || strings.EqualFold(s, "desc") }

func orderByError[R any](orderBy string, f fields[R]) error {
	return queryError("The $orderby '%s' is not supported. The hub orders by comma-separated fields, each with asc or desc (desc when left out), among Timestamp, %s.", excerpt(orderBy), f.names())
}
