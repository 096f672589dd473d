// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"fmt"
	"testing"
)

func TestApplies(t *testing.T) {
	const c1 = "/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Kubernetes/connectedClusters/c1"
	for _, tt := range []struct {
		name      string
		scope     string
		notScopes []string
		want      bool
	}{
		{"subscription", "/subscriptions/s1", nil, true},
		{"resource group", "/subscriptions/s1/resourceGroups/g1", nil, true},
		{"the cluster itself", c1, nil, true},
		{"case-insensitive", "/SUBSCRIPTIONS/S1/resourcegroups/G1", nil, true},
		{"trailing slash", "/subscriptions/s1/", nil, true},
		{"another subscription", "/subscriptions/s2", nil, false},
		{"a longer name is not a child", "/subscriptions/s", nil, false},
		{"another resource group", "/subscriptions/s1/resourceGroups/g", nil, false},
		{"another cluster", c1 + "0", nil, false},
		{"below the cluster", c1 + "/providers/x/y/z", nil, false},
		{"empty scope", "", nil, false},
		{"not scope excludes", "/subscriptions/s1", []string{"/subscriptions/s1/resourceGroups/G1"}, false},
		{"not scope of the cluster", "/subscriptions/s1", []string{c1}, false},
		{"not scope elsewhere", "/subscriptions/s1", []string{"/subscriptions/s1/resourceGroups/g2", ""}, true},
		{"not scope prefix only", "/subscriptions/s1", []string{"/subscriptions/s1/resourceGroups/g"}, true},
	} {
		if got := Applies(tt.scope, tt.notScopes, c1); got != tt.want {
			t.Errorf("%s: Applies(%q, %q) = %v, want %v", tt.name, tt.scope, tt.notScopes, got, tt.want)
		}
	}
}

// BenchmarkApplicability is the hub matching 10,000 clusters against 100 assignments at
// subscription, resource group and cluster scope, some with notScopes: one op is the whole
// matrix (docs/benchmarks.md, "Policy").
func BenchmarkApplicability(b *testing.B) {
	const clusters, assignments = 10_000, 100
	ids := make([]string, clusters)
	for i := range ids {
		ids[i] = fmt.Sprintf("/subscriptions/00000000-0000-0000-0000-%012d/resourceGroups/edge-%03d/providers/Microsoft.Kubernetes/connectedClusters/store-%05d", i%10, i%100, i)
	}
	type assignment struct {
		scope     string
		notScopes []string
	}
	as := make([]assignment, assignments)
	for i := range as {
		sub := fmt.Sprintf("/subscriptions/00000000-0000-0000-0000-%012d", i%10)
		switch i % 3 {
		case 0:
			as[i] = assignment{sub, []string{fmt.Sprintf("%s/resourceGroups/edge-%03d", sub, i%100)}}
		case 1:
			as[i] = assignment{fmt.Sprintf("%s/resourceGroups/edge-%03d", sub, i%100), nil}
		default:
			as[i] = assignment{ids[i*97%clusters], nil}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, id := range ids {
			for _, a := range as {
				if Applies(a.scope, a.notScopes, id) {
					n++
				}
			}
		}
		if n == 0 {
			b.Fatal("no assignment applies to any cluster")
		}
	}
}
