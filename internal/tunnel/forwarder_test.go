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
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestForwarderHeaders checks what reaches the API server for each kind of request.
func TestForwarderHeaders(t *testing.T) {
	var got http.Header
	apiServer := httptest.NewTLSServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
	}))
	defer apiServer.Close()
	cfg := &rest.Config{Host: apiServer.URL, BearerToken: "agent-sa-token", TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
	f, err := NewForwarder(cfg, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		in         http.Header
		wantStatus int
		want       map[string][]string // nil value: header absent
	}{
		{"impersonates the hub's identity with the agent's credentials",
			http.Header{protocol.HeaderRemoteUser: {"kubearc:token:alice"}, protocol.HeaderRemoteGroup: {"kubearc:users", "g2"}, "Impersonate-User": {"admin"}},
			http.StatusOK, map[string][]string{"Impersonate-User": {"kubearc:token:alice"}, "Impersonate-Group": {"kubearc:users", "g2"},
				"Authorization": {"Bearer agent-sa-token"}, protocol.HeaderRemoteUser: nil}},
		{"passes a user's token through without impersonation",
			http.Header{"Authorization": {"Bearer user-sa-token"}, "Impersonate-Group": {"system:masters"}},
			http.StatusOK, map[string][]string{"Authorization": {"Bearer user-sa-token"}, "Impersonate-Group": nil, "Impersonate-User": nil}},
		{"refuses a request without identity", http.Header{}, http.StatusUnauthorized, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "http://cluster/api/v1/pods", nil)
			req.Header = tt.in
			rec := httptest.NewRecorder()
			f.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				if got != nil {
					t.Fatal("the request reached the API server")
				}
				return
			}
			for k, v := range tt.want {
				if !slices.Equal(got.Values(k), v) {
					t.Fatalf("API server saw %s = %v, want %v", k, got.Values(k), v)
				}
			}
		})
	}
}
