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

package auth

import (
	"strings"
	"testing"
)

func TestParseScope(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "/", want: "/"},
		{in: "/subscriptions/Sub-1", want: "/subscriptions/Sub-1"},
		{in: "/SUBSCRIPTIONS/sub-1/", want: "/subscriptions/sub-1"},
		{in: "/subscriptions/s/resourcegroups/RG.(eu)_1", want: "/subscriptions/s/resourceGroups/RG.(eu)_1"},
		{in: "/subscriptions/s/resourceGroups/g/", want: "/subscriptions/s/resourceGroups/g"},
		{in: "", wantErr: "must be /, /subscriptions/{subscription} or"},
		{in: "subscriptions/s", wantErr: "must be /"},
		{in: "/subscriptions", wantErr: "must be /"},
		{in: "/subscriptions/s/resourceGroups", wantErr: "must be /"},
		{in: "/subscriptions/s/locations/g", wantErr: "must be /"},
		{in: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c", wantErr: "must be /"},
		{in: "/subscriptions//resourceGroups/g", wantErr: "subscription \"\" must be 1-64"},
		{in: "/subscriptions/a b", wantErr: "subscription \"a b\" must be"},
		{in: "/subscriptions/s/resourceGroups/g.", wantErr: "resource group \"g.\" must be"},
		{in: "//", wantErr: "must be /"},
	}
	for _, tt := range tests {
		got, err := ParseScope(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseScope(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseScope(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	const cluster = "/subscriptions/a/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c"
	tests := []struct {
		scope, id string
		want      bool
	}{
		{scope: "/", id: cluster, want: true},
		{scope: "/", id: "/", want: true},
		{scope: "/subscriptions/a", id: cluster, want: true},
		{scope: "/subscriptions/A/", id: cluster, want: true},
		{scope: "/subscriptions/a", id: "/subscriptions/a", want: true},
		{scope: "/subscriptions/a", id: "/subscriptions/a/", want: true},
		{scope: "/subscriptions/a/resourceGroups/g", id: strings.ToUpper(cluster), want: true},
		{scope: "/subscriptions/a", id: "/subscriptions/ab/resourceGroups/g"},
		{scope: "/subscriptions/a/resourceGroups/g", id: "/subscriptions/a/resourceGroups/gg/providers/x/y/z"},
		{scope: "/subscriptions/a/resourceGroups/g", id: "/subscriptions/a"},
		{scope: "/subscriptions/a/resourceGroups/g", id: "/subscriptions/a/providers/Microsoft.Kubernetes/connectedClusters"},
		{scope: "/subscriptions/a", id: "/"},
		{scope: "/subscriptions/a", id: "/subscriptions/a/resourceGroups/g/../../../b"},
		{scope: "/subscriptions/a", id: "/subscriptions/a//resourceGroups/g"},
		{scope: "/subscriptions/a", id: "subscriptions/a/resourceGroups/g"},
		{scope: "", id: cluster},
	}
	for _, tt := range tests {
		if got := Covers(tt.scope, tt.id); got != tt.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", tt.scope, tt.id, got, tt.want)
		}
	}
}
