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
	"slices"
	"strconv"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
)

func TestListQuery(t *testing.T) {
	q := store.ListQuery{Type: "Microsoft.Kubernetes/connectedClusters", After: "/Subscriptions/S", Limit: 10}
	question := func(int) string { return "?" }
	dollar := func(n int) string { return "$" + strconv.Itoa(n) }
	tests := []struct {
		q    store.ListQuery
		mark Placeholder
		want string
	}{
		{store.ListQuery{}, question, "SELECT id FROM resources ORDER BY key"},
		{q, question, "SELECT id FROM resources WHERE type_key = ? AND key > ? ORDER BY key LIMIT ?"},
		{q, dollar, "SELECT id FROM resources WHERE type_key = $1 AND key > $2 ORDER BY key LIMIT $3"},
	}
	for _, tt := range tests {
		got, args := ListQuery(tt.q, "id", tt.mark)
		if got != tt.want {
			t.Errorf("ListQuery(%+v) = %q, want %q", tt.q, got, tt.want)
		}
		if tt.q.Limit > 0 && !slices.Equal(args, []any{"microsoft.kubernetes/connectedclusters", "/subscriptions/s", 10}) {
			t.Errorf("ListQuery(%+v) arguments = %v, want the case-folded type and cursor and the limit", tt.q, args)
		}
	}
}
