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
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/pkg/armid"
)

// TestRelayErrorsAreTheClients: the proxy answers a relay that failed for the client's
// sake with the client's status, not 502: a token revoked or expired meanwhile 401, a
// body that missed its read deadline 408.
func TestRelayErrorsAreTheClients(t *testing.T) {
	id, err := armid.ParseClusterID(testCluster)
	if err != nil {
		t.Fatal(err)
	}
	handler := New(Options{}).reverseProxy(id, auth.Principal{Name: "t"}, "/api").ErrorHandler
	ended := func(cause error) context.Context {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		return ctx
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"revoked", ended(auth.ErrRevoked), context.Canceled, http.StatusUnauthorized},
		{"expired", ended(auth.ErrExpired), context.Canceled, http.StatusUnauthorized},
		{"body deadline", context.Background(), fmt.Errorf("read tcp: %w", os.ErrDeadlineExceeded), http.StatusRequestTimeout},
		{"tunnel down", context.Background(), errors.New("the cluster has no tunnel to the hub"), http.StatusBadGateway},
	} {
		w := httptest.NewRecorder()
		handler(w, httptest.NewRequestWithContext(tc.ctx, http.MethodPost, "/api", nil), tc.err)
		if w.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.want)
		}
	}
}
