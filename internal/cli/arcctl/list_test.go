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

package arcctl_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestListFollowsPages(t *testing.T) {
	h := startHub(t)
	want := make([]string, 0, 5)
	for i := range cap(want) {
		name := fmt.Sprintf("store-%03d", i)
		h.createCluster(testGroup, name)
		want = append(want, name)
	}
	h.createCluster("edge-us", "store-us")

	// The hub really pages: the first page holds testPageSize clusters and a nextLink.
	status, page := h.get("/subscriptions/" + testSub + "/resourceGroups/" + testGroup +
		"/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-01-01")
	if values, _ := page["value"].([]any); status != http.StatusOK || len(values) != testPageSize || page["nextLink"] == nil {
		t.Fatalf("the hub's first page = %d %v, want %d clusters and a nextLink", status, page, testPageSize)
	}

	u := newUser(t)
	u.login(h, h.AdminToken)
	if got := tableNames(u.mustRun("connectedk8s", "list", "-g", testGroup)); !slices.Equal(got, want) {
		t.Errorf("list -g %s shows %v, want %v", testGroup, got, want)
	}
	if got := tableNames(u.mustRun("connectedk8s", "list")); !slices.Equal(got, append(want, "store-us")) {
		t.Errorf("list of the subscription shows %v, want %v and store-us", got, want)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(u.mustRun("connectedk8s", "list", "-g", testGroup, "-o", "json")), &list); err != nil || len(list) != len(want) {
		t.Errorf("list -o json: %d clusters (err %v), want %d", len(list), err, len(want))
	}

	r := u.run("connectedk8s", "list", "-g", "empty-group")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No connected clusters found.") {
		t.Errorf("listing an empty group:\n%s", r)
	}
	if out := u.mustRun("connectedk8s", "list", "-g", "empty-group", "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("list -o json of an empty group = %q, want []", out)
	}
}

// tableNames returns the first column of a table's rows, sorted.
func tableNames(table string) []string {
	lines := strings.Split(strings.TrimSpace(table), "\n")
	names := make([]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		names = append(names, strings.Fields(l)[0])
	}
	slices.Sort(names)
	return names
}
