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
	"net/http"
	"testing"
)

func TestExtensionAccessFollowsTheClusterScope(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	scope := "/subscriptions/" + sub + "/resourceGroups/" + rg
	reader := th.token(th.AdminToken, "reader", "Reader", scope)
	contributor := th.token(th.AdminToken, "contrib", "Contributor", scope)
	outsider := th.token(th.AdminToken, "other", "Owner", "/subscriptions/"+sub+"/resourceGroups/other-rg")
	path := extensionPath("c1", "flux") + apiExt
	body := extBody(map[string]any{"extensionType": "flux"})
	tests := []struct {
		name, token, method string
		body                any
		status              int
	}{
		{"reader cannot create", reader, http.MethodPut, body, http.StatusForbidden},
		{"contributor creates", contributor, http.MethodPut, body, http.StatusCreated},
		{"reader reads", reader, http.MethodGet, nil, http.StatusOK},
		{"another group cannot read", outsider, http.MethodGet, nil, http.StatusForbidden},
		{"reader cannot delete", reader, http.MethodDelete, nil, http.StatusForbidden},
		{"no token", "", http.MethodGet, nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := th.do(tt.method, path, tt.token, tt.body); r.status != tt.status {
				t.Fatalf("got %d %s, want %d", r.status, r.raw, tt.status)
			}
		})
	}
}

func TestCatalogAPI(t *testing.T) {
	th := newTestHub(t)
	reader := th.token(th.AdminToken, "reader", "Reader", "/subscriptions/"+sub+"/resourceGroups/"+rg)
	r := th.do(http.MethodGet, "/kubearc/v1/extensionTypes", reader, nil)
	types, _ := r.body["value"].([]any)
	if r.status != http.StatusOK || len(types) != 3 { // flux, gatekeeper, monitoring
		t.Fatalf("extension types: %d %s", r.status, r.raw)
	}
	r = th.do(http.MethodGet, "/kubearc/v1/extensionTypes/FLUX/versions", reader, nil)
	trains, _ := r.body["value"].([]any)
	if r.status != http.StatusOK || len(trains) != 2 {
		t.Fatalf("flux versions: %d %s", r.status, r.raw)
	}
	stable := trains[0].(map[string]any)
	newest := stable["versions"].([]any)[0].(map[string]any)
	chart := newest["chart"].(map[string]any)
	if stable["name"] != "Stable" || newest["version"] != "2.16.2" || chart["name"] != "flux2" {
		t.Errorf("stable train = %v", stable)
	}
	if r := th.do(http.MethodGet, "/kubearc/v1/extensionTypes/nope/versions", reader, nil); r.status != http.StatusNotFound {
		t.Errorf("unknown type: %d %s", r.status, r.raw)
	}
	if r := th.do(http.MethodGet, "/kubearc/v1/agentVersions", reader, nil); r.status != http.StatusOK {
		t.Errorf("agent versions: %d %s", r.status, r.raw)
	}
	if r := th.do(http.MethodGet, "/kubearc/v1/extensionTypes", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", r.status)
	}
}
