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
	"strings"
	"testing"
)

const (
	sub = "00000000-0000-0000-0000-0000000000aa"
	rg  = "edge-eu"
)

func TestClusterLifecycle(t *testing.T) {
	th := newTestHub(t)
	k := newAgentKey(t)
	path := clusterPath(sub, rg, "store-042")

	created := th.do(http.MethodPut, path+api2024, th.AdminToken, clusterBody(k))
	if created.status != http.StatusCreated {
		t.Fatalf("PUT new cluster: %d %s", created.status, created.raw)
	}
	p := created.props()
	for field, want := range map[string]any{
		"provisioningState": "Succeeded", "connectivityStatus": "Connecting",
		"agentPublicKeyCertificate": k.public, "distribution": "k3s", "infrastructure": "bare_metal",
	} {
		if p[field] != want {
			t.Errorf("properties.%s = %v, want %v", field, p[field], want)
		}
	}
	if created.body["id"] != path || created.body["name"] != "store-042" || created.body["type"] != "Microsoft.Kubernetes/connectedClusters" {
		t.Errorf("id/name/type = %v %v %v", created.body["id"], created.body["name"], created.body["type"])
	}
	identity, _ := created.body["identity"].(map[string]any)
	if identity["type"] != "SystemAssigned" || identity["principalId"] == "" || identity["principalId"] == nil {
		t.Errorf("identity = %v, want SystemAssigned with a principalId", identity)
	}
	sd, _ := created.body["systemData"].(map[string]any)
	if sd["createdBy"] != "admin" || sd["createdByType"] != "User" || sd["createdAt"] == nil {
		t.Errorf("systemData = %v", sd)
	}

	updated := th.do(http.MethodPut, path+api2024, th.AdminToken, clusterBody(k))
	if updated.status != http.StatusOK {
		t.Fatalf("PUT existing cluster: %d, want 200", updated.status)
	}
	if id2, _ := updated.body["identity"].(map[string]any); id2["principalId"] != identity["principalId"] {
		t.Errorf("an update changed the identity's principalId")
	}

	got := th.do(http.MethodGet, path+api2024, th.AdminToken, nil)
	if got.status != http.StatusOK || got.body["location"] != "westeurope" {
		t.Fatalf("GET: %d %s", got.status, got.raw)
	}

	if r := th.do(http.MethodDelete, path+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	if r := th.do(http.MethodGet, path+api2024, th.AdminToken, nil); r.status != http.StatusNotFound || r.errorCode() != "ResourceNotFound" {
		t.Fatalf("GET after DELETE: %d %s, want 404 ResourceNotFound", r.status, r.raw)
	}
	if r := th.do(http.MethodDelete, path+api2024, th.AdminToken, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE of a deleted cluster: %d, want 204", r.status)
	}
}

func TestPathsAreCaseInsensitive(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	lower := strings.ToLower(clusterPath(sub, rg, "C1"))
	if r := th.do(http.MethodGet, lower+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("GET with a lower-case path: %d %s", r.status, r.raw)
	}
}

func TestReadOnlyPropertiesComeOnlyFromTheAgent(t *testing.T) {
	th := newTestHub(t)
	body := clusterBody(newAgentKey(t))
	props := body["properties"].(map[string]any)
	props["kubernetesVersion"] = "v9.9.9"
	props["connectivityStatus"] = "Connected"
	props["totalNodeCount"] = 1000
	props["provisioningState"] = "Failed"
	r := th.do(http.MethodPut, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, body)
	p := r.props()
	if r.status != http.StatusCreated || p["kubernetesVersion"] != nil || p["totalNodeCount"] != nil ||
		p["connectivityStatus"] != "Connecting" || p["provisioningState"] != "Succeeded" {
		t.Fatalf("client-sent read-only properties were kept: %d %v", r.status, p)
	}
}

func TestBadRequestsGetARMErrors(t *testing.T) {
	th := newTestHub(t)
	good := func() map[string]any { return clusterBody(newAgentKey(t)) }
	without := func(key string) map[string]any { b := good(); delete(b, key); return b }
	withProp := func(key string, v any) map[string]any {
		b := good()
		b["properties"].(map[string]any)[key] = v
		return b
	}
	path := clusterPath(sub, rg, "c1")
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, message             string
	}{
		{"malformed JSON", "PUT", path + api2024, th.AdminToken, `{"location": `, 400, "InvalidRequestContent", "could not be deserialized"},
		{"not an object", "PUT", path + api2024, th.AdminToken, `[1,2]`, 400, "InvalidRequestContent", "expected a JSON object"},
		{"wrong type", "PUT", path + api2024, th.AdminToken, `{"location": 5}`, 400, "InvalidRequestContent", "property 'location' must be of type string"},
		{"empty body", "PUT", path + api2024, th.AdminToken, ``, 400, "InvalidRequestContent", "empty"},
		{"no location", "PUT", path + api2024, th.AdminToken, without("location"), 400, "MissingRequiredProperty", "'location'"},
		{"no identity", "PUT", path + api2024, th.AdminToken, without("identity"), 400, "MissingRequiredProperty", "'identity'"},
		{"bad identity", "PUT", path + api2024, th.AdminToken, func() any { b := good(); b["identity"] = map[string]any{"type": "UserAssigned"}; return b }(), 400, "InvalidParameter", "'identity.type'"},
		{"no properties", "PUT", path + api2024, th.AdminToken, without("properties"), 400, "MissingRequiredProperty", "'properties'"},
		{"no agent key", "PUT", path + api2024, th.AdminToken, withProp("agentPublicKeyCertificate", ""), 400, "MissingRequiredProperty", "'properties.agentPublicKeyCertificate'"},
		{"bad agent key", "PUT", path + api2024, th.AdminToken, withProp("agentPublicKeyCertificate", "bm90IGEga2V5"), 400, "InvalidParameter", "'properties.agentPublicKeyCertificate'"},
		{"bad auto-upgrade", "PUT", path + api2024, th.AdminToken, withProp("arcAgentProfile", map[string]any{"agentAutoUpgrade": "Sometimes"}), 400, "InvalidParameter", "agentAutoUpgrade"},
		{"bad log level", "PUT", path + api2024, th.AdminToken, withProp("arcAgentProfile", map[string]any{"logLevel": "verbose"}), 400, "InvalidParameter", "'properties.arcAgentProfile.logLevel' must be one of debug, info, warn or error"},
		{"bad agent version", "PUT", path + api2024, th.AdminToken, withProp("arcAgentProfile", map[string]any{"desiredAgentVersion": "latest"}), 400, "InvalidParameter", "desiredAgentVersion"},
		{"bad cluster name", "PUT", clusterPath(sub, rg, "-bad-") + api2024, th.AdminToken, good(), 400, "InvalidParameter", "cluster name"},
		{"unknown api-version", "GET", path + "?api-version=2099-01-01", th.AdminToken, nil, 400, "InvalidApiVersionParameter", "2021-10-01, 2024-01-01"},
		{"no api-version", "GET", path, th.AdminToken, nil, 400, "MissingApiVersionParameter", "api-version"},
		{"missing cluster", "GET", path + api2024, th.AdminToken, nil, 404, "ResourceNotFound", "was not found"},
		{"patch of a missing cluster", "PATCH", path + api2024, th.AdminToken, map[string]any{"tags": map[string]string{}}, 404, "ResourceNotFound", ""},
		{"unknown route", "GET", "/subscriptions/" + sub + "/nothing", th.AdminToken, nil, 404, "NotFound", ""},
		{"no token", "GET", path + api2024, "", nil, 401, "AuthenticationFailed", ""},
		{"bad token", "GET", path + api2024, "kubearc_notavalidtoken", nil, 401, "AuthenticationFailed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status || r.errorCode() != tt.code || !strings.Contains(r.errorMessage(), tt.message) {
				t.Fatalf("got %d %s, want %d %s containing %q", r.status, r.raw, tt.status, tt.code, tt.message)
			}
		})
	}
}

func TestPatchAndAPIVersions(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	path := clusterPath(sub, rg, "c1")

	r := th.do(http.MethodPatch, path+api2024, th.AdminToken, map[string]any{
		"tags":       map[string]string{"team": "retail"},
		"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": "1.4.0", "agentAutoUpgrade": "Disabled"}},
	})
	if r.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", r.status, r.raw)
	}
	profile, _ := r.props()["arcAgentProfile"].(map[string]any)
	if profile["desiredAgentVersion"] != "1.4.0" || profile["agentAutoUpgrade"] != "Disabled" {
		t.Errorf("arcAgentProfile after PATCH = %v", profile)
	}
	if tags, _ := r.body["tags"].(map[string]any); tags["team"] != "retail" || tags["env"] != nil {
		t.Errorf("tags after PATCH = %v, want them replaced", tags)
	}
	if r.props()["distribution"] != "k3s" {
		t.Errorf("PATCH lost a property it did not name: %v", r.props())
	}
	// A partial profile changes only the field it names.
	r = th.do(http.MethodPatch, path+api2024, th.AdminToken, map[string]any{
		"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": "1.4.1"}},
	})
	if p, _ := r.props()["arcAgentProfile"].(map[string]any); p["agentAutoUpgrade"] != "Disabled" || p["desiredAgentVersion"] != "1.4.1" {
		t.Errorf("a PATCH of desiredAgentVersion alone changed agentAutoUpgrade: %v", p)
	}

	old := th.do(http.MethodGet, path+"?api-version=2021-10-01", th.AdminToken, nil)
	if _, has := old.props()["arcAgentProfile"]; has || old.status != http.StatusOK {
		t.Errorf("api-version 2021-10-01 shows arcAgentProfile, which it does not define: %v", old.props())
	}
	// An old client's PUT must not erase what it cannot see.
	body := clusterBody(newAgentKey(t))
	if r := th.do(http.MethodPut, path+"?api-version=2021-10-01", th.AdminToken, body); r.status != http.StatusOK {
		t.Fatalf("PUT with 2021-10-01: %d %s", r.status, r.raw)
	}
	again := th.do(http.MethodGet, path+api2024, th.AdminToken, nil)
	if p, _ := again.props()["arcAgentProfile"].(map[string]any); p["desiredAgentVersion"] != "1.4.1" {
		t.Errorf("a 2021-10-01 PUT erased arcAgentProfile: %v", again.props())
	}
}

func TestListPagesAndScopes(t *testing.T) {
	th := newTestHub(t)
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		th.createCluster(sub, rg, name)
	}
	th.createCluster(sub, "other-rg", "b1")
	th.createCluster("another-sub", rg, "c1")

	names := th.listAll("/subscriptions/"+sub+"/resourceGroups/"+rg+"/providers/Microsoft.Kubernetes/connectedClusters"+api2024, th.AdminToken)
	if strings.Join(names, ",") != "a1,a2,a3,a4,a5" {
		t.Errorf("list by resource group = %v", names)
	}
	names = th.listAll("/subscriptions/"+sub+"/providers/Microsoft.Kubernetes/connectedClusters"+api2024, th.AdminToken)
	if strings.Join(names, ",") != "a1,a2,a3,a4,a5,b1" {
		t.Errorf("list by subscription = %v", names)
	}

	reader := th.token(th.AdminToken, "rg-reader", "Reader", "/subscriptions/"+sub+"/resourceGroups/other-rg")
	names = th.listAll("/subscriptions/"+sub+"/providers/Microsoft.Kubernetes/connectedClusters"+api2024, reader)
	if strings.Join(names, ",") != "b1" {
		t.Errorf("a resource-group reader listing the subscription saw %v, want only its group's b1", names)
	}
	if r := th.do(http.MethodGet, "/subscriptions/another-sub/providers/Microsoft.Kubernetes/connectedClusters"+api2024, reader, nil); r.status != http.StatusForbidden {
		t.Errorf("listing another subscription: %d, want 403", r.status)
	}
}

// listAll follows nextLink and returns the names it saw.
func (th *testHub) listAll(path, token string) []string {
	th.t.Helper()
	var names []string
	for pages := 0; path != ""; pages++ {
		if pages > 10 {
			th.t.Fatal("nextLink never ends")
		}
		r := th.do(http.MethodGet, path, token, nil)
		if r.status != http.StatusOK {
			th.t.Fatalf("list %s: %d %s", path, r.status, r.raw)
		}
		items, _ := r.body["value"].([]any)
		for _, it := range items {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		next, _ := r.body["nextLink"].(string)
		path = strings.TrimPrefix(next, "https://"+th.Addr)
	}
	return names
}

// token creates a token with the given role and scope using owner, and returns its secret.
func (th *testHub) token(owner, name, role, scope string) string {
	th.t.Helper()
	r := th.do(http.MethodPost, "/kubearc/v1/tokens", owner, map[string]any{"name": name, "role": role, "scope": scope})
	if r.status != http.StatusCreated {
		th.t.Fatalf("creating token: %d %s", r.status, r.raw)
	}
	return r.body["token"].(string)
}

func TestRolesAndTokens(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	th.createCluster(sub, "other-rg", "c2")
	scope := "/subscriptions/" + sub + "/resourceGroups/" + rg
	reader := th.token(th.AdminToken, "reader", "Reader", scope)
	contributor := th.token(th.AdminToken, "contrib", "Contributor", scope)
	owner := th.token(th.AdminToken, "rg-owner", "Owner", scope)
	c1, c2 := clusterPath(sub, rg, "c1")+api2024, clusterPath(sub, "other-rg", "c2")+api2024
	patch := map[string]any{"tags": map[string]string{"x": "y"}}

	checks := []struct {
		name, token, method, path string
		body                      any
		status                    int
	}{
		{"reader reads in scope", reader, "GET", c1, nil, 200},
		{"reader reads outside scope", reader, "GET", c2, nil, 403},
		{"reader writes", reader, "PATCH", c1, patch, 403},
		{"reader deletes", reader, "DELETE", c1, nil, 403},
		{"contributor writes in scope", contributor, "PATCH", c1, patch, 200},
		{"contributor writes outside scope", contributor, "PATCH", c2, patch, 403},
		{"contributor creates tokens", contributor, "POST", "/kubearc/v1/tokens", map[string]any{"name": "x", "role": "Reader", "scope": scope}, 403},
		{"owner grants within scope", owner, "POST", "/kubearc/v1/tokens", map[string]any{"name": "x", "role": "Reader", "scope": scope}, 201},
		{"owner grants beyond scope", owner, "POST", "/kubearc/v1/tokens", map[string]any{"name": "x", "role": "Reader", "scope": "/subscriptions/" + sub}, 403},
		{"token with a bad role", th.AdminToken, "POST", "/kubearc/v1/tokens", map[string]any{"name": "x", "role": "God", "scope": "/"}, 400},
		{"token with a bad scope", th.AdminToken, "POST", "/kubearc/v1/tokens", map[string]any{"name": "x", "role": "Reader", "scope": "/tenants/x"}, 400},
		{"token without a name", th.AdminToken, "POST", "/kubearc/v1/tokens", map[string]any{"role": "Reader"}, 400},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			r := th.do(c.method, c.path, c.token, c.body)
			if r.status != c.status {
				t.Fatalf("%d %s, want %d", r.status, r.raw, c.status)
			}
			if c.status == 403 && r.errorCode() != "AuthorizationFailed" {
				t.Fatalf("403 with code %q, want AuthorizationFailed", r.errorCode())
			}
		})
	}

	list := th.do(http.MethodGet, "/kubearc/v1/tokens", owner, nil)
	if list.status != 200 || strings.Contains(list.raw, reader) || strings.Contains(list.raw, "hash") {
		t.Fatalf("token list leaks secrets or failed: %d %s", list.status, list.raw)
	}
	var readerID string
	for _, v := range list.body["value"].([]any) {
		if v.(map[string]any)["name"] == "reader" {
			readerID = v.(map[string]any)["id"].(string)
		}
	}
	who := th.do(http.MethodGet, "/kubearc/v1/whoami", reader, nil)
	if who.body["name"] != "reader" || who.body["role"] != "Reader" || who.body["scope"] != scope {
		t.Errorf("whoami = %s", who.raw)
	}
	self, _ := th.do(http.MethodGet, "/kubearc/v1/whoami", owner, nil).body["id"].(string)
	if r := th.do(http.MethodDelete, "/kubearc/v1/tokens/"+self, owner, nil); r.status != http.StatusConflict {
		t.Errorf("a token revoking itself: %d, want 409", r.status)
	}
	if r := th.do(http.MethodDelete, "/kubearc/v1/tokens/"+readerID, owner, nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := th.do(http.MethodGet, c1, reader, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token still works: %d", r.status)
	}
	if r := th.do(http.MethodDelete, "/kubearc/v1/tokens/"+readerID, owner, nil); r.status != http.StatusNotFound {
		t.Fatalf("revoking twice: %d, want 404", r.status)
	}
}
