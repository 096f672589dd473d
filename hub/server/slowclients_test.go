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

package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/tunnel"
)

// slowBody is a request body of five chunks 100 ms apart.
func slowBody() io.Reader {
	pr, pw := io.Pipe()
	go func() {
		for range 5 {
			time.Sleep(100 * time.Millisecond)
			if _, err := pw.Write([]byte("chunk")); err != nil {
				return
			}
		}
		_ = pw.Close()
	}()
	return pr
}

// TestTheBodyDeadlineSparesProxiedRequests: a body that takes longer than the body
// deadline is cut on the hub's own APIs, and relayed whole through cluster connect (also
// from another replica), whose users' uploads may be slow.
func TestTheBodyDeadlineSparesProxiedRequests(t *testing.T) {
	readErr := make(chan error, 1)
	srv := httptest.NewServer(boundSlowClients(50*time.Millisecond, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		readErr <- err
	})))
	defer srv.Close()
	for path, wantCut := range map[string]bool{
		tunnel.ProxyPrefix + clusterID + "/api/v1/namespaces/default/configmaps":     false,
		tunnel.PeerProxyPrefix + clusterID + "/api/v1/namespaces/default/configmaps": false, // relayed by another replica
		clusterID: true,
	} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+path, slowBody())
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := srv.Client().Do(req); err == nil { // a cut request may see its connection close
			_ = resp.Body.Close()
		}
		if err := <-readErr; (err != nil) != wantCut {
			t.Errorf("POST %s with a slow body: reading it: %v; want cut: %v", path, err, wantCut)
		}
	}
}

const clusterID = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c"

// TestUnauthenticatedConnectionsCloseExceptThePortals: a connection that has not
// authenticated is asked to close after its answer, so it frees its admission slot, except a
// browser's on the portal, whose next request (the sign-in form's POST) would find it closed.
func TestUnauthenticatedConnectionsCloseExceptThePortals(t *testing.T) {
	handler := boundSlowClients(time.Second, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for path, wantClose := range map[string]bool{
		"/kubearc/v1/whoami":        true,
		clusterID:                   true,
		"/portal/signin":            false,
		"/portal/static/portal.css": false,
	} {
		ctx := context.WithValue(t.Context(), admittedConnKey{}, &admittedConn{})
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if got := rec.Header().Get("Connection") == "close"; got != wantClose {
			t.Errorf("GET %s on an unauthenticated connection: Connection: close = %v, want %v", path, got, wantClose)
		}
	}
}
