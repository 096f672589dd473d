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

package armclient

import (
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/kubearc/kubearc/pkg/armid"
)

func TestParseEndpoint(t *testing.T) {
	for _, tc := range []struct {
		in, want, wantErr string
	}{
		{in: "https://hub.example.com:8443/", want: "https://hub.example.com:8443"},
		{in: "hub.example.com:8443", want: "https://hub.example.com:8443"},
		{in: " https://hub.example.com/prefix/ ", want: "https://hub.example.com/prefix"},
		{in: "http://hub.example.com", wantErr: "must start with https://"},
		{in: "", wantErr: "the hub URL is empty"},
		{in: "https://", wantErr: "has no host"},
		{in: "https://hub.example.com/?x=1", wantErr: "must not have a query"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			u, err := ParseEndpoint(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseEndpoint(%q) error = %v, want %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || u.String() != tc.want {
				t.Fatalf("ParseEndpoint(%q) = %v, %v, want %s", tc.in, u, err, tc.want)
			}
		})
	}
}

// fakeHub serves handler over TLS and returns a client of it that retries quickly.
func fakeHub(t *testing.T, handler http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewTLSServer(handler)
	t.Cleanup(srv.Close)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c, err := New(Options{Endpoint: srv.URL, Token: "kubearc_test", CAPEM: caPEM,
		Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNextLinkToAnotherHostIsRefused(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	c := fakeHub(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"value":[{"id":"a","name":"a"}],"nextLink":"` + other.URL + `/steal?api-version=2024-01-01"}`))
	})
	pager := c.ListClusters("sub", "")
	if _, err := pager.NextPage(t.Context()); err != nil {
		t.Fatalf("first page: %v", err)
	}
	_, err := pager.NextPage(t.Context())
	if err == nil || !strings.Contains(err.Error(), "refusing to send the token there") {
		t.Fatalf("second page error = %v, want a refusal", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
}

func TestRequestsRetryAndCarryTheToken(t *testing.T) {
	var calls atomic.Int32
	c := fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer kubearc_test" || r.Header.Get("x-ms-client-request-id") == "" ||
			!strings.HasPrefix(r.Header.Get("User-Agent"), "azsdk-go-arcctl/") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"value":[]}`))
	})
	tokens, err := c.ListTokens(t.Context())
	if err != nil || len(tokens) != 0 {
		t.Fatalf("ListTokens = %v, %v, want an empty list after one retry", tokens, err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the hub saw %d requests, want 2 (one retry after 503)", n)
	}
}

func TestErrorsWithoutARMBody(t *testing.T) {
	c := fakeHub(t, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>bad gateway</html>", http.StatusForbidden)
	})
	err := c.RevokeToken(t.Context(), "x")
	var re *ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden ||
		err.Error() != "(Forbidden) The hub answered DELETE with 403 Forbidden and no ARM error." {
		t.Fatalf("error = %v, want a Forbidden ResponseError", err)
	}
}

func TestCreateTokenIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	c := fakeHub(t, func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	if _, err := c.CreateToken(t.Context(), TokenRequest{Name: "n", Role: "Reader"}); !HasStatus(err, http.StatusServiceUnavailable) {
		t.Fatalf("CreateToken error = %v, want the 503", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the hub saw %d token requests, want 1", n)
	}
}

func TestNamesAreEscapedOnce(t *testing.T) {
	var got atomic.Value
	c := fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.EscapedPath())
		_, _ = w.Write([]byte(`{"id":"x","name":"c 1"}`))
	})
	if _, err := c.GetCluster(t.Context(), armid.ClusterID{Subscription: "sub", ResourceGroup: "rg", Name: "c 1"}); err != nil {
		t.Fatal(err)
	}
	want := "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c%201"
	if got.Load() != want {
		t.Fatalf("the hub saw path %q, want %q", got.Load(), want)
	}
}
