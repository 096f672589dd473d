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

package tunnel

import (
	"net/http"
	"slices"
	"testing"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const testCluster = "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1"

func TestSplitProxyPath(t *testing.T) {
	tests := []struct {
		in       string
		wantPath string
		wantErr  bool
	}{
		{ProxyPrefix + testCluster + "/api/v1/pods", "/api/v1/pods", false},
		{ProxyPrefix + testCluster, "/", false},
		{ProxyPrefix + testCluster + "/", "/", false},
		{ProxyPrefix + testCluster + "/api/v1/namespaces/a%2Fb/pods", "/api/v1/namespaces/a%2Fb/pods", false},
		{ProxyPrefix + "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Kubernetes/managedClusters/c1/api", "", true},
		{ProxyPrefix + "/subscriptions/sub-1", "", true},
		{"/other" + testCluster, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, path, err := splitProxyPath(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (path != tt.wantPath || id.Name != "c1") {
				t.Fatalf("got %s %q, want c1 %q", id, path, tt.wantPath)
			}
		})
	}
}

func TestSetIdentity(t *testing.T) {
	alice := auth.Principal{Name: "alice", Role: auth.Contributor}
	tests := []struct {
		name         string
		in           http.Header
		clusterToken string
		want         http.Header
	}{
		{
			name: "client impersonation and hub headers are replaced by the principal",
			in: http.Header{"Impersonate-User": {"admin"}, "Impersonate-Group": {"system:masters"},
				"Impersonate-Extra-Scopes": {"x"}, "Impersonate-Uid": {"1"}, "impersonate-user": {"raw"},
				protocol.HeaderRemoteUser: {"system:admin"}, "Authorization": {"Bearer hub-secret"}, "Accept": {"application/json"}},
			want: http.Header{"Accept": {"application/json"}, protocol.HeaderRemoteUser: {"kubearc:token:alice"},
				protocol.HeaderRemoteGroup: {"kubearc:users", "kubearc:role:contributor"}},
		},
		{
			name:         "a cluster token replaces impersonation and the hub token",
			in:           http.Header{"Authorization": {"Bearer hub-secret"}, protocol.HeaderClusterToken: {"sa-token"}, "Impersonate-User": {"admin"}},
			clusterToken: "sa-token",
			want:         http.Header{"Authorization": {"Bearer sa-token"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setIdentity(tt.in, tt.clusterToken, alice)
			if len(tt.in) != len(tt.want) {
				t.Fatalf("got headers %v, want %v", tt.in, tt.want)
			}
			for k, v := range tt.want {
				if !slices.Equal(tt.in[k], v) {
					t.Fatalf("header %s = %v, want %v (all: %v)", k, tt.in[k], v, tt.in)
				}
			}
		})
	}
}
