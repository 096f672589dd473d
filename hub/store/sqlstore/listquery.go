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

package sqlstore

import (
	"strings"

	"github.com/kubearc/kubearc/hub/store"
)

// Placeholder is a dialect's mark for the n-th (from 1) argument of a query: "?" or "$n".
type Placeholder func(n int) string

// ListQuery builds the SELECT of columns from the resources that q asks for, in key order,
// and its arguments, with the argument marks of mark.
func ListQuery(q store.ListQuery, columns string, mark Placeholder) (string, []any) {
	var where []string
	var args []any
	filter := func(column, op, value string) {
		if value != "" {
			args = append(args, Key(value))
			where = append(where, column+" "+op+" "+mark(len(args)))
		}
	}
	filter("type_key", "=", q.Type)
	filter("subscription_key", "=", q.Subscription)
	filter("resource_group_key", "=", q.ResourceGroup)
	filter("parent_key", "=", q.ParentID)
	filter("key", ">", q.After)
	query := "SELECT " + columns + " FROM resources"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY key"
	if q.Limit > 0 {
		args = append(args, q.Limit)
		query += " LIMIT " + mark(len(args))
	}
	return query, args
}
