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
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/seal"
)

const apiWorkspace = "?api-version=2022-10-01"

// workspacePath is the path of the workspace name in resource group group.
func workspacePath(group, name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + group + "/providers/Microsoft.OperationalInsights/workspaces/" + name
}

// workspaceBody is a workspace's PUT body; token "" sends no credentials.
func workspaceBody(otlp, token string) map[string]any {
	props := map[string]any{"otlpEndpoint": otlp}
	if token != "" {
		props["credentials"] = map[string]any{"bearerToken": token}
	}
	return map[string]any{"location": "westeurope", "properties": props}
}

// monitoringBody is a monitoring extension's PUT body naming the workspace id.
func monitoringBody(workspaceID string) map[string]any {
	return extBody(map[string]any{"extensionType": "microsoft.azuremonitor.containers",
		"configurationSettings": map[string]any{"logAnalyticsWorkspaceResourceID": workspaceID, "collectionInterval": "60s"}})
}

func TestWorkspaceLifecycle(t *testing.T) {
	th := newTestHub(t)
	ws := workspacePath(rg, "logs-eu") + apiWorkspace
	r := th.do(http.MethodPut, ws, th.AdminToken, workspaceBody("https://otlp.example.com:4318", "secret-token-1"))
	if r.status != http.StatusCreated || r.props()["otlpEndpoint"] != "https://otlp.example.com:4318" ||
		r.props()["provisioningState"] != "Succeeded" || strings.Contains(r.raw, "secret-token-1") {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	// A PUT without credentials keeps the token; the document says one is set.
	body := workspaceBody("https://otlp2.example.com", "")
	body["properties"].(map[string]any)["prometheusRemoteWriteUrl"] = "https://prom.example.com/api/v1/write"
	if r = th.do(http.MethodPut, ws, th.AdminToken, body); r.status != http.StatusOK {
		t.Fatalf("replace: %d %s", r.status, r.raw)
	}
	r = th.do(http.MethodGet, ws, th.AdminToken, nil)
	creds, _ := r.props()["credentials"].(map[string]any)
	if r.status != http.StatusOK || creds["bearerTokenSet"] != true || r.props()["prometheusRemoteWriteUrl"] != "https://prom.example.com/api/v1/write" ||
		r.body["etag"] == nil || r.body["systemData"] == nil {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	// PATCH with an empty token removes it.
	r = th.do(http.MethodPatch, ws, th.AdminToken, map[string]any{"properties": map[string]any{"credentials": map[string]any{"bearerToken": ""}}})
	if creds, _ = r.props()["credentials"].(map[string]any); r.status != http.StatusOK || creds["bearerTokenSet"] != false {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	for _, name := range []string{"logs-us", "logs-ap"} {
		th.do(http.MethodPut, workspacePath(rg, name)+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", ""))
	}
	th.do(http.MethodPut, workspacePath("other-rg", "logs-x")+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", ""))
	if names := listAll(th, "/subscriptions/"+sub+"/resourceGroups/"+rg+"/providers/Microsoft.OperationalInsights/workspaces"+apiWorkspace); len(names) != 3 {
		t.Errorf("the group lists %v, want 3 workspaces over pages of 2", names)
	}
	if names := listAll(th, "/subscriptions/"+sub+"/providers/Microsoft.OperationalInsights/workspaces"+apiWorkspace); len(names) != 4 {
		t.Errorf("the subscription lists %v, want 4", names)
	}
	if r = th.do(http.MethodDelete, ws, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	if r = th.do(http.MethodDelete, ws, th.AdminToken, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete again: %d %s", r.status, r.raw)
	}
	if r = th.do(http.MethodGet, ws, th.AdminToken, nil); r.status != http.StatusNotFound {
		t.Fatalf("get after delete: %d %s", r.status, r.raw)
	}
}

// listAll follows a listing's nextLinks and returns the names listed.
func listAll(th *testHub, path string) []string {
	th.t.Helper()
	var names []string
	for path != "" {
		r := th.do(http.MethodGet, path, th.AdminToken, nil)
		if r.status != http.StatusOK {
			th.t.Fatalf("listing %s: %d %s", path, r.status, r.raw)
		}
		items, _ := r.body["value"].([]any)
		for _, it := range items {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		next, _ := r.body["nextLink"].(string)
		path = strings.TrimPrefix(next, th.URL)
	}
	return names
}

func TestWorkspaceBadInput(t *testing.T) {
	th := newTestHub(t)
	ws := workspacePath(rg, "logs-eu") + apiWorkspace
	tests := []struct {
		name, path string
		body       any
		code, want string
	}{
		{"no properties", ws, map[string]any{"location": "westeurope"}, "MissingRequiredProperty", "'properties' is required"},
		{"no endpoint", ws, workspaceBody("", ""), "MissingRequiredProperty", "'properties.otlpEndpoint' is required"},
		{"plain http", ws, workspaceBody("http://otlp.example.com", ""), "InvalidParameter", "loopback host only"},
		{"not a URL", ws, workspaceBody("otlp.example.com:4318", ""), "InvalidParameter", "absolute https:// URL"},
		{"user in URL", ws, workspaceBody("https://u:p@otlp.example.com", ""), "InvalidParameter", "must not hold user information"},
		{"token with a newline", ws, workspaceBody("https://otlp.example.com", "a\nb"), "InvalidParameter", "printable ASCII"},
		{"bad name", workspacePath(rg, "-x") + apiWorkspace, workspaceBody("https://otlp.example.com", ""), "InvalidParameter", "workspace name '-x' is invalid"},
		{"bad api-version", workspacePath(rg, "logs-eu") + "?api-version=2020-01-01", workspaceBody("https://otlp.example.com", ""), "", "api-version"},
		{"not JSON", ws, "{", "", "JSON"},
		{"no location", ws, map[string]any{"properties": map[string]any{"otlpEndpoint": "https://otlp.example.com"}}, "MissingRequiredProperty", "'location' is required"},
		{"bad location", ws, map[string]any{"location": "west/europe", "properties": map[string]any{"otlpEndpoint": "https://otlp.example.com"}}, "InvalidParameter", "'location' must be at most 64 letters"},
		{"bad tag", ws, map[string]any{"location": "westeurope", "tags": map[string]string{"a/b": "c"}, "properties": map[string]any{"otlpEndpoint": "https://otlp.example.com"}},
			"InvalidParameter", "tag name 'a/b'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(http.MethodPut, tt.path, th.AdminToken, tt.body)
			if r.status != http.StatusBadRequest || (tt.code != "" && r.errorCode() != tt.code) || !strings.Contains(r.errorMessage(), tt.want) {
				t.Fatalf("got %d %s, want 400 %s containing %q", r.status, r.raw, tt.code, tt.want)
			}
		})
	}
	if r := th.do(http.MethodPut, ws, th.AdminToken, workspaceBody("http://127.0.0.1:4318", "")); r.status != http.StatusCreated {
		t.Errorf("http to loopback: %d %s", r.status, r.raw)
	}
	long := map[string]any{"tags": map[string]string{"a": strings.Repeat("v", 257)}}
	if r := th.do(http.MethodPatch, ws, th.AdminToken, long); r.status != http.StatusBadRequest || !strings.Contains(r.errorMessage(), "value of tag 'a' is longer than 256") {
		t.Errorf("patching a tag too long: %d %s", r.status, r.raw)
	}
}

func TestWorkspaceAccess(t *testing.T) {
	th := newTestHub(t)
	scope := "/subscriptions/" + sub + "/resourceGroups/" + rg
	reader := th.token(th.AdminToken, "reader", "Reader", scope)
	contributor := th.token(th.AdminToken, "contrib", "Contributor", scope)
	outsider := th.token(th.AdminToken, "other", "Owner", "/subscriptions/"+sub+"/resourceGroups/other-rg")
	ws := workspacePath(rg, "logs-eu") + apiWorkspace
	body := workspaceBody("https://otlp.example.com", "t0ken")
	tests := []struct {
		name, token, method, path string
		body                      any
		status                    int
	}{
		{"reader cannot create", reader, http.MethodPut, ws, body, http.StatusForbidden},
		{"contributor creates", contributor, http.MethodPut, ws, body, http.StatusCreated},
		{"reader reads", reader, http.MethodGet, ws, nil, http.StatusOK},
		{"reader cannot patch", reader, http.MethodPatch, ws, map[string]any{"tags": map[string]string{"a": "b"}}, http.StatusForbidden},
		{"another group cannot read", outsider, http.MethodGet, ws, nil, http.StatusForbidden},
		{"another group cannot list the group", outsider, http.MethodGet,
			"/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.OperationalInsights/workspaces" + apiWorkspace, nil, http.StatusForbidden},
		{"reader cannot delete", reader, http.MethodDelete, ws, nil, http.StatusForbidden},
		{"no token", "", http.MethodGet, ws, nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := th.do(tt.method, tt.path, tt.token, tt.body); r.status != tt.status {
				t.Fatalf("got %d %s, want %d", r.status, r.raw, tt.status)
			}
		})
	}
	r := th.do(http.MethodGet, "/subscriptions/"+sub+"/providers/Microsoft.OperationalInsights/workspaces"+apiWorkspace, outsider, nil)
	if items, _ := r.body["value"].([]any); r.status != http.StatusOK || len(items) != 0 {
		t.Errorf("the subscription's listing shows an outsider another group's workspace: %d %s", r.status, r.raw)
	}
}

// TestWorkspaceResolution binds a monitoring extension to a workspace and reads what its
// agent gets: the workspace's endpoints and token, never the naming setting; a workspace
// change reaches the agent, and a workspace in use cannot be deleted.
func TestWorkspaceResolution(t *testing.T) {
	th := newTestHub(t)
	agent, key := th.agent("c1")
	wsID := workspacePath(rg, "logs-eu")
	th.do(http.MethodPut, wsID+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com:4318", "token-one"))
	ext := extensionPath("c1", "monitoring") + apiExt
	if r := th.do(http.MethodPut, ext, th.AdminToken, monitoringBody(wsID)); r.status != http.StatusCreated {
		t.Fatalf("creating the extension: %d %s", r.status, r.raw)
	}
	settings, protected := delivered(th, agent, key)
	if settings["workspace.otlpEndpoint"] != "https://otlp.example.com:4318" || settings["collectionInterval"] != "60s" ||
		settings["logAnalyticsWorkspaceResourceID"] != "" || protected["workspace.bearerToken"] != "token-one" || settings["workspace.credentialsRevision"] == "" {
		t.Fatalf("delivered settings %v, protected %v", settings, protected)
	}
	revision := settings["workspace.credentialsRevision"]
	r := th.do(http.MethodGet, ext, th.AdminToken, nil)
	if cs, _ := r.props()["configurationSettings"].(map[string]any); cs["logAnalyticsWorkspaceResourceID"] != wsID || strings.Contains(r.raw, "token-one") ||
		strings.Contains(r.raw, "otlp.example.com") {
		t.Fatalf("the extension shows %s", r.raw)
	}

	// A change of the workspace reaches the agent.
	th.do(http.MethodPatch, wsID+apiWorkspace, th.AdminToken, map[string]any{"properties": map[string]any{
		"otlpEndpoint": "https://otlp2.example.com", "prometheusRemoteWriteUrl": "https://prom.example.com/write",
		"credentials": map[string]any{"bearerToken": "token-two"}}})
	settings, protected = delivered(th, agent, key)
	if settings["workspace.otlpEndpoint"] != "https://otlp2.example.com" || settings["workspace.prometheusRemoteWriteUrl"] != "https://prom.example.com/write" ||
		protected["workspace.bearerToken"] != "token-two" || settings["workspace.credentialsRevision"] == revision {
		t.Fatalf("after the rotation: delivered settings %v, protected %v; want a new credentials revision", settings, protected)
	}
	if r := th.do(http.MethodGet, ext, th.AdminToken, nil); r.props()["provisioningState"] != "Updating" {
		t.Errorf("the rewritten extension shows %s, want Updating until the agent applies it", r.raw)
	}

	// A workspace in use is not deleted.
	r = th.do(http.MethodDelete, wsID+apiWorkspace, th.AdminToken, nil)
	if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(), "/extensions/monitoring") {
		t.Fatalf("deleting the workspace in use: %d %s", r.status, r.raw)
	}
	// Unbound by a PATCH that drops the setting: the workspace's values leave the agent.
	th.do(http.MethodPatch, ext, th.AdminToken, extBody(map[string]any{"configurationSettings": map[string]any{"logAnalyticsWorkspaceResourceID": nil}}))
	settings, protected = delivered(th, agent, key)
	if settings["workspace.otlpEndpoint"] != "" || protected["workspace.bearerToken"] != "" {
		t.Fatalf("after unbinding: delivered settings %v, protected %v", settings, protected)
	}
	if r = th.do(http.MethodDelete, wsID+apiWorkspace, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("deleting the unused workspace: %d %s", r.status, r.raw)
	}
}

// delivered returns the settings and the protected settings, opened with the agent's key,
// of the agent's desired extension "monitoring".
func delivered(th *testHub, agent *http.Client, key agentKey) (map[string]string, map[string]string) {
	th.t.Helper()
	_, spec := th.desiredExtension(agent, "monitoring")
	if spec == nil {
		th.t.Fatal("the agent has no desired extension monitoring")
	}
	protected := map[string]string{}
	if spec.ProtectedSettings != "" {
		plain, err := seal.OpenAgent(key.key, spec.ProtectedSettings)
		if err != nil {
			th.t.Fatalf("the agent cannot open its protected settings: %v", err)
		}
		if err := json.Unmarshal(plain, &protected); err != nil {
			th.t.Fatal(err)
		}
	}
	return spec.ConfigurationSettings, protected
}

func TestWorkspaceResolutionRefusals(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	other := workspacePath("other-rg", "logs-x")
	th.do(http.MethodPut, other+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", "t"))
	contributor := th.token(th.AdminToken, "contrib", "Contributor", "/subscriptions/"+sub+"/resourceGroups/"+rg)
	ext := extensionPath("c1", "monitoring") + apiExt
	tests := []struct {
		name, token, id string
		status          int
		want            string
	}{
		{"missing workspace", th.AdminToken, workspacePath(rg, "nope"), http.StatusBadRequest, "names the workspace '" + workspacePath(rg, "nope") + "', which does not exist"},
		{"not a workspace ID", th.AdminToken, clusterPath(sub, rg, "c1"), http.StatusBadRequest, "must be a workspace's ID"},
		{"not an ID, by a contributor", contributor, "logs-eu", http.StatusBadRequest, "must be a workspace's ID"},
		{"missing workspace the caller cannot read", contributor, workspacePath("other-rg", "nope"), http.StatusForbidden, "over scope '" + workspacePath("other-rg", "nope")},
		{"workspace the caller may not use", contributor, other, http.StatusForbidden,
			"Microsoft.OperationalInsights/workspaces/sharedKeys/action' over scope '" + other + "': binding a workspace hands its token to the cluster; ask for the Contributor role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(http.MethodPut, ext, tt.token, monitoringBody(tt.id))
			if r.status != tt.status || !strings.Contains(r.errorMessage(), tt.want) || !strings.Contains(r.errorMessage(), "logAnalyticsWorkspaceResourceID") && tt.status == http.StatusBadRequest {
				t.Fatalf("got %d %s, want %d containing %q", r.status, r.raw, tt.status, tt.want)
			}
		})
	}
}

// TestWorkspaceTokenNeverLeaks looks for a workspace's token in every answer, the hub's log
// and its database files, through creation, binding, rotation and listing.
func TestWorkspaceTokenNeverLeaks(t *testing.T) {
	const canary, canary2 = "CANARY-7a1e-workspace", "CANARY-3b9f-rotated"
	scan := startLeakScan(t)
	th, collect := scan.testHub, scan.collect
	agent, key := th.agent("c1")
	wsID := workspacePath(rg, "logs-eu")
	collect(th.exchange(http.MethodPut, th.url(wsID+apiWorkspace), workspaceBody("https://otlp.example.com", canary)))
	collect(th.exchange(http.MethodPut, th.url(extensionPath("c1", "monitoring")+apiExt), monitoringBody(wsID)))
	collect(th.exchange(http.MethodPatch, th.url(wsID+apiWorkspace), map[string]any{"properties": map[string]any{"credentials": map[string]any{"bearerToken": canary2}}}))
	collect(th.exchange(http.MethodPut, th.url(wsID+apiWorkspace), workspaceBody("https://otlp.example.com", "bad "+canary)))
	collect(th.exchange(http.MethodGet, th.url(wsID+apiWorkspace), nil))
	collect(th.exchange(http.MethodGet, th.url("/subscriptions/"+sub+"/providers/Microsoft.OperationalInsights/workspaces"+apiWorkspace), nil))
	collect(th.exchange(http.MethodGet, th.url(extensionPath("c1", "monitoring")+apiExt), nil))
	collect(th.exchange(http.MethodDelete, th.url(wsID+apiWorkspace), nil))
	if !strings.Contains(scan.answers[0], `"bearerTokenSet":true`) || !strings.Contains(scan.answers[6], "printable ASCII") {
		t.Fatalf("the scanned answers are not what the test meant to scan: %q", scan.answers)
	}
	scan.answersWithout("CANARY")
	if _, protected := delivered(th, agent, key); protected["workspace.bearerToken"] != canary2 {
		t.Errorf("the agent got %v, want the rotated token", protected)
	}
	th.scanDataFiles("while serving")
	th.stop()
	th.scanDataFiles("after shutdown")
	scan.logWithout("CANARY")
}

// TestWorkspaceChangeReachesExtensionsAfterARestart stands for a hub stopped between a
// workspace's write and the rewrite of its extensions: the next start rewrites them.
func TestWorkspaceChangeReachesExtensionsAfterARestart(t *testing.T) {
	th := newTestHub(t)
	agent, key := th.agent("c1")
	wsID := workspacePath(rg, "logs-eu")
	th.do(http.MethodPut, wsID+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", "t0ken"))
	th.do(http.MethodPut, extensionPath("c1", "monitoring")+apiExt, th.AdminToken, monitoringBody(wsID))
	res, err := th.Store().GetResource(t.Context(), wsID)
	if err != nil {
		t.Fatal(err)
	}
	res.Body = []byte(strings.Replace(string(res.Body), "https://otlp.example.com", "https://moved.example.com", 1))
	if _, err := th.Store().PutResource(t.Context(), res, store.IfVersion(res.Version)); err != nil {
		t.Fatal(err)
	}
	if settings, _ := delivered(th, agent, key); settings["workspace.otlpEndpoint"] != "https://otlp.example.com" {
		t.Fatalf("the store write alone changed the desired object: %v", settings)
	}
	th = th.restart()
	settings, protected := delivered(th, agent, key)
	if settings["workspace.otlpEndpoint"] != "https://moved.example.com" || protected["workspace.bearerToken"] != "t0ken" {
		t.Fatalf("after the restart: delivered settings %v, protected %v", settings, protected)
	}
}

// TestWorkspaceRekeyNeedsTheWorkspace: a new agent key gets the token of every workspace the
// cluster's extensions bind, so only a caller allowed to use them may change it; the cluster
// and what its agent gets stay as they were after a refusal.
func TestWorkspaceRekeyNeedsTheWorkspace(t *testing.T) {
	th := newTestHub(t)
	agent, key := th.agent("c1")
	wsID := workspacePath("other-rg", "logs-x")
	th.do(http.MethodPut, wsID+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", "rekey-token"))
	if r := th.do(http.MethodPut, extensionPath("c1", "monitoring")+apiExt, th.AdminToken, monitoringBody(wsID)); r.status != http.StatusCreated {
		t.Fatalf("binding the extension: %d %s", r.status, r.raw)
	}
	contributor := th.token(th.AdminToken, "contrib", "Contributor", "/subscriptions/"+sub+"/resourceGroups/"+rg)
	cluster := clusterPath(sub, rg, "c1") + api2024
	if r := th.do(http.MethodPut, cluster, contributor, clusterBody(key)); r.status != http.StatusOK {
		t.Fatalf("a write that keeps the key: %d %s", r.status, r.raw)
	}
	newKey := newAgentKey(t)
	r := th.do(http.MethodPut, cluster, contributor, clusterBody(newKey))
	if r.status != http.StatusForbidden || !strings.Contains(r.errorMessage(), "sharedKeys/action' over scope '"+wsID) ||
		!strings.Contains(r.errorMessage(), "/extensions/monitoring' binds in its setting 'logAnalyticsWorkspaceResourceID'") ||
		strings.Contains(r.raw, "rekey-token") {
		t.Fatalf("re-keying by a contributor who may not use the workspace: %d %s, want 403 naming the setting", r.status, r.raw)
	}
	if r := th.do(http.MethodGet, cluster, th.AdminToken, nil); r.props()["agentPublicKeyCertificate"] != key.public {
		t.Fatalf("the refused write changed the cluster: %s", r.raw)
	}
	if _, protected := delivered(th, agent, key); protected["workspace.bearerToken"] != "rekey-token" {
		t.Fatalf("after the refusal the agent gets %v", protected)
	}
	if r := th.do(http.MethodPut, cluster, th.AdminToken, clusterBody(newKey)); r.status != http.StatusOK {
		t.Fatalf("re-keying by the admin: %d %s", r.status, r.raw)
	}
	_, cert := th.register(clusterPath(sub, rg, "c1"), newKey)
	if cert == nil {
		t.Fatal("the new key cannot register")
	}
	if _, protected := delivered(th, th.client(cert), newKey); protected["workspace.bearerToken"] != "rekey-token" {
		t.Fatalf("after re-keying the new agent gets %v", protected)
	}
}

// TestWorkspaceDeleteNamesOnlyReadableExtensions: the refusal to delete a workspace in use
// names an extension only to a caller who may read it.
func TestWorkspaceDeleteNamesOnlyReadableExtensions(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	wsID := workspacePath("other-rg", "logs-x")
	th.do(http.MethodPut, wsID+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", "t"))
	th.do(http.MethodPut, extensionPath("c1", "monitoring")+apiExt, th.AdminToken, monitoringBody(wsID))
	owner := th.token(th.AdminToken, "other-owner", "Contributor", "/subscriptions/"+sub+"/resourceGroups/other-rg")
	r := th.do(http.MethodDelete, wsID+apiWorkspace, owner, nil)
	if r.status != http.StatusConflict || strings.Contains(r.raw, "c1") || !strings.Contains(r.errorMessage(), "used by 1 extensions on clusters you may not read") ||
		!strings.Contains(r.errorMessage(), "logAnalyticsWorkspaceResourceID") {
		t.Fatalf("deleting as a caller who may not read the extension: %d %s", r.status, r.raw)
	}
	if r = th.do(http.MethodDelete, wsID+apiWorkspace, th.AdminToken, nil); r.status != http.StatusConflict || !strings.Contains(r.errorMessage(), "/extensions/monitoring") {
		t.Fatalf("deleting as the admin: %d %s", r.status, r.raw)
	}
}

// TestWorkspaceWriteSurvivesAFailedRewrite: an extension that cannot be rewritten (its
// cluster's stored key is broken) does not turn the committed workspace write into an error,
// the other extensions still get the change, and the log names the extension, not the token.
func TestWorkspaceWriteSurvivesAFailedRewrite(t *testing.T) {
	scan := startLeakScan(t)
	th := scan.testHub
	agent, key := th.agent("c1")
	th.createCluster(sub, rg, "c2")
	wsID := workspacePath(rg, "logs-eu")
	th.do(http.MethodPut, wsID+apiWorkspace, th.AdminToken, workspaceBody("https://otlp.example.com", "token-one"))
	for _, c := range []string{"c1", "c2"} {
		if r := th.do(http.MethodPut, extensionPath(c, "monitoring")+apiExt, th.AdminToken, monitoringBody(wsID)); r.status != http.StatusCreated {
			t.Fatalf("binding on %s: %d %s", c, r.status, r.raw)
		}
	}
	res, err := th.Store().GetResource(t.Context(), clusterPath(sub, rg, "c2"))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatal(err)
	}
	body["properties"].(map[string]any)["agentPublicKeyCertificate"] = "broken"
	if res.Body, err = json.Marshal(body); err != nil {
		t.Fatal(err)
	}
	if _, err := th.Store().PutResource(t.Context(), res, store.IfVersion(res.Version)); err != nil {
		t.Fatal(err)
	}
	r := th.do(http.MethodPatch, wsID+apiWorkspace, th.AdminToken, map[string]any{"properties": map[string]any{"credentials": map[string]any{"bearerToken": "token-two"}}})
	if creds, _ := r.props()["credentials"].(map[string]any); r.status != http.StatusOK || creds["bearerTokenSet"] != true {
		t.Fatalf("rotating with one extension that cannot be rewritten: %d %s, want 200 with the workspace", r.status, r.raw)
	}
	if _, protected := delivered(th, agent, key); protected["workspace.bearerToken"] != "token-two" {
		t.Fatalf("the healthy cluster's agent gets %v", protected)
	}
	if logs := scan.logs.String(); !strings.Contains(logs, "Rewriting extensions for their workspace failed") ||
		!strings.Contains(logs, extensionPath("c2", "monitoring")) {
		t.Errorf("the log does not say which extension was not rewritten: %s", logs)
	}
	scan.logWithout("token-")
}

// TestClusterOperationsArePaged: the listing of a cluster's operations comes in pages that
// together hold every operation once.
func TestClusterOperationsArePaged(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	for _, name := range []string{"flux-a", "flux-b", "flux-a"} {
		if r := th.do(http.MethodPut, extensionPath("c1", name)+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "microsoft.flux"})); r.status/100 != 2 {
			t.Fatalf("writing %s: %d %s", name, r.status, r.raw)
		}
	}
	path := clusterPath(sub, rg, "c1") + "/providers/Microsoft.KubernetesConfiguration/operations" + apiExt
	if r := th.do(http.MethodGet, path, th.AdminToken, nil); r.body["nextLink"] == nil {
		t.Fatalf("the first page of 3 operations (pages of 2) has no nextLink: %s", r.raw)
	}
	names := listAll(th, path)
	if len(names) != 3 || names[0] == names[1] || names[1] == names[2] || names[0] == names[2] {
		t.Fatalf("the pages list %v, want the 3 operations once each", names)
	}
	if r := th.do(http.MethodGet, path+"&$skipToken=nonsense", th.AdminToken, nil); r.status != http.StatusBadRequest || !strings.Contains(r.errorMessage(), "list again without it") {
		t.Fatalf("a made-up $skipToken: %d %s", r.status, r.raw)
	}
}
