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

package armid

import "testing"

func TestParseClusterID(t *testing.T) {
	tests := []struct {
		in      string
		want    ClusterID
		wantErr bool
	}{
		{in: "/subscriptions/sub-1/resourceGroups/rg.eu_(1)/providers/Microsoft.Kubernetes/connectedClusters/store-042",
			want: ClusterID{"sub-1", "rg.eu_(1)", "store-042"}},
		{in: "/SUBSCRIPTIONS/s/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/c_1",
			want: ClusterID{"s", "rg", "c_1"}},
		{in: "subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c", wantErr: true},
		{in: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c", wantErr: true},
		{in: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/", wantErr: true},
		{in: "/subscriptions/s/resourceGroups/rg./providers/Microsoft.Kubernetes/connectedClusters/c", wantErr: true},
		{in: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/-c", wantErr: true},
		{in: "/subscriptions/a b/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseClusterID(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseClusterID(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseClusterID(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestKeyIgnoresCase(t *testing.T) {
	a, _ := ParseClusterID("/subscriptions/S/resourceGroups/RG/providers/Microsoft.Kubernetes/connectedClusters/C")
	b, _ := ParseClusterID("/subscriptions/s/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/c")
	if a.Key() != b.Key() {
		t.Errorf("keys differ: %q, %q", a.Key(), b.Key())
	}
}
