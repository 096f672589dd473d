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

package portal_test

import (
	"net/http"
	"net/url"
	"testing"
)

// Names from forms and paths are checked by the API's rules before they go into an API path:
// a wrong one gets 400 saying what to fix, never a 500 or a write to another resource.
func TestBadNamesAreRefused(t *testing.T) {
	h := startHub(t)
	createCluster(t, h, "rg-a", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	path := clusterPage("rg-a", "c1")
	token := csrf(t, b.get(path))
	if p := b.post(path+"/extensions", url.Values{"csrf": {token}, "name": {"x"}, "type": {"gatekeeper"}}); p.status != http.StatusOK {
		t.Fatalf("creating extension x: %d", p.status)
	}

	for _, name := range []string{"a%zz", "x?y", "x/y", "../x"} {
		p := b.post(path+"/extensions", url.Values{"csrf": {token}, "name": {name}, "type": {"gatekeeper"}})
		if p.status != http.StatusBadRequest {
			t.Errorf("extension name %q: %d, want 400", name, p.status)
		}
		mustContain(t, p, `id="form-error"`, "is invalid: use 1-53 lower-case letters")
		p = b.post(path+"/flux", url.Values{"csrf": {token}, "name": {name}, "namespace": {"flux"}, "url": {"https://example.com/r.git"},
			"branch": {"main"}})
		if p.status != http.StatusBadRequest {
			t.Errorf("flux configuration name %q: %d, want 400", name, p.status)
		}
		mustContain(t, p, `id="form-error"`, "is invalid: use 1-30 lower-case letters")
	}
	if p := b.post(path+"/extensions/x%3Fy/delete", url.Values{"csrf": {token}}); p.status != http.StatusBadRequest {
		t.Errorf("deleting extension x?y: %d, want 400", p.status)
	}
	mustContain(t, b.get(path), `data-name="x" data-state="Creating"`)

	wrong := clusterPage("rg-a", "c1%3Fx")
	if p := b.post(wrong+"/agent", url.Values{"csrf": {token}, "version": {"0.1.0"}}); p.status != http.StatusBadRequest {
		t.Errorf("updating the agent of cluster c1?x: %d, want 400", p.status)
	} else {
		mustContain(t, p, "The page&#39;s address is wrong: cluster name")
	}
	if p := b.get(wrong); p.status != http.StatusBadRequest {
		t.Errorf("the page of cluster c1?x: %d, want 400", p.status)
	}
	mustNotContain(t, b.get(path), `<dd data-field="desiredAgentVersion">0.1.0</dd>`)
}

// Names the API allows that a URL path must escape work: a resource group with parentheses.
func TestParenthesesInAResourceGroup(t *testing.T) {
	h := startHub(t)
	connect(t, h, "rg(1)", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	fleet := b.get("/portal/")
	mustContain(t, fleet, `data-cluster-id="`+clusterID("rg(1)", "c1")+`"`)
	path := clusterPage("rg(1)", "c1")
	p := b.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("the cluster page: %d %s", p.status, p.body)
	}
	if p := b.post(path+"/extensions", url.Values{"csrf": {csrf(t, p)}, "name": {"gk"}, "type": {"gatekeeper"}}); p.status != http.StatusOK {
		t.Fatalf("creating an extension: %d", p.status)
	} else {
		mustContain(t, p, `data-name="gk" data-state="Creating"`)
	}
}
