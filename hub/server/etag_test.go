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

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// tagAnswer is an answer to a conditional request: its status, ETag header, body etag and
// ARM error code.
type tagAnswer struct {
	status           int
	header, bodyETag string
	code             string
}

// conditional sends a request as the admin with the conditional headers h.
func (th *testHub) conditional(t *testing.T, method, path string, h map[string]string, body any) tagAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, th.url(path), rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+th.AdminToken)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := th.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var doc struct {
		ETag  string `json:"etag"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return tagAnswer{status: resp.StatusCode, header: resp.Header.Get("ETag"), bodyETag: doc.ETag, code: doc.Error.Code}
}

// TestETagsAndConditionalRequests follows ARM's conditional-request contract for a cluster
// and an extension: the etag is in the body and the ETag header and changes on each write;
// If-Match names the version a write applies to, If-None-Match: * makes a PUT create only;
// a precondition that does not hold answers 412 PreconditionFailed.
func TestETagsAndConditionalRequests(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	for _, tt := range []struct {
		name, path string
		put, patch any
		patchOK    int
	}{
		{"cluster", clusterPath(sub, rg, "tagged") + api2024, clusterBody(newAgentKey(t)), map[string]any{"tags": map[string]string{"a": "b"}}, http.StatusOK},
		{"extension", extensionPath("c1", "tagged") + apiExt, extBody(map[string]any{"extensionType": "gatekeeper"}),
			extBody(map[string]any{"configurationSettings": map[string]string{"a": "b"}}), http.StatusAccepted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := func(what string, got tagAnswer, status int, code string) tagAnswer {
				t.Helper()
				if got.status != status || got.code != code {
					t.Fatalf("%s: %d %s, want %d %s", what, got.status, got.code, status, code)
				}
				if status < 300 && status != http.StatusNoContent && (got.header == "" || got.header != got.bodyETag) {
					t.Fatalf("%s: ETag header %q, body etag %q; want both the same, not empty", what, got.header, got.bodyETag)
				}
				return got
			}
			star := map[string]string{"If-Match": "*"}
			want("PUT If-Match: * of an absent resource", th.conditional(t, http.MethodPut, tt.path, star, tt.put), http.StatusPreconditionFailed, "PreconditionFailed")
			want("PATCH of an absent resource", th.conditional(t, http.MethodPatch, tt.path, star, tt.patch), http.StatusNotFound, "ResourceNotFound")
			created := want("PUT If-None-Match: *", th.conditional(t, http.MethodPut, tt.path, map[string]string{"If-None-Match": "*"}, tt.put), http.StatusCreated, "")
			want("PUT If-None-Match: * of an existing resource", th.conditional(t, http.MethodPut, tt.path, map[string]string{"If-None-Match": "*"}, tt.put),
				http.StatusPreconditionFailed, "PreconditionFailed")
			got := want("GET", th.conditional(t, http.MethodGet, tt.path, nil, nil), http.StatusOK, "")
			if got.header != created.header {
				t.Errorf("GET etag %s, want %s as the PUT answered", got.header, created.header)
			}
			patched := want("PATCH If-Match: current", th.conditional(t, http.MethodPatch, tt.path, map[string]string{"If-Match": created.header}, tt.patch), tt.patchOK, "")
			if patched.header == created.header {
				t.Errorf("the etag %s did not change on a PATCH", patched.header)
			}
			stale := map[string]string{"If-Match": created.header}
			want("PATCH If-Match: stale", th.conditional(t, http.MethodPatch, tt.path, stale, tt.patch), http.StatusPreconditionFailed, "PreconditionFailed")
			want("PUT If-Match: stale", th.conditional(t, http.MethodPut, tt.path, stale, tt.put), http.StatusPreconditionFailed, "PreconditionFailed")
			if d := th.conditional(t, http.MethodDelete, tt.path+"&forceDelete=true", stale, nil); d.status != http.StatusPreconditionFailed {
				t.Fatalf("DELETE If-Match: stale: %d, want 412", d.status)
			}
			if d := th.conditional(t, http.MethodDelete, tt.path+"&forceDelete=true", map[string]string{"If-Match": patched.header}, nil); d.status != http.StatusOK {
				t.Fatalf("DELETE If-Match: current: %d, want 200", d.status)
			}
			if d := th.conditional(t, http.MethodDelete, tt.path, map[string]string{"If-Match": patched.header}, nil); d.status != http.StatusNoContent {
				t.Fatalf("DELETE If-Match of an absent resource: %d, want 204", d.status)
			}
		})
	}
}
