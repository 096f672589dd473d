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

	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/seal"
)

func fluxBody(url string, extra map[string]any) map[string]any {
	props := map[string]any{"gitRepository": map[string]any{"url": url, "repositoryRef": map[string]any{"branch": "main"}},
		"kustomizations": map[string]any{"apps": map[string]any{"path": "./apps"}}}
	for k, v := range extra {
		props[k] = v
	}
	return map[string]any{"properties": props}
}

// TestFluxProtectedSettingsNeverLeak puts canary values (valid base64, as az sends them) in
// configurationProtectedSettings and looks for them in every answer, the hub's log and the
// database files. Only the cluster's agent can open its copy, also after a new agent key.
func TestFluxProtectedSettingsNeverLeak(t *testing.T) {
	const canary, canary2 = "CANARYxxc2VjcmV0a2V5", "CANARYyyc2VjcmV0a2V6"
	scan := startLeakScan(t)
	th, collect := scan.testHub, scan.collect
	agent, key := th.agent("c1")
	cfg := th.url(fluxPath("c1", "cfg") + apiExt)
	h := collect(th.exchange(http.MethodPut, cfg, fluxBody("ssh://git@github.com/org/repo", map[string]any{
		"configurationProtectedSettings": map[string]any{"sshPrivateKey": canary}})))
	collect(th.exchange(http.MethodGet, h.Get("Azure-AsyncOperation"), nil))
	th.fluxApplied(agent, "cfg", protocol.ComplianceCompliant)
	h = collect(th.exchange(http.MethodPatch, cfg, map[string]any{"properties": map[string]any{
		"configurationProtectedSettings": map[string]any{"sshPrivateKey": canary2}}}))
	collect(th.exchange(http.MethodGet, h.Get("Azure-AsyncOperation"), nil))
	collect(th.exchange(http.MethodGet, cfg, nil))
	collect(th.exchange(http.MethodGet, th.url(clusterPath(sub, rg, "c1")+"/providers/Microsoft.KubernetesConfiguration/fluxConfigurations"+apiExt), nil))
	for _, bad := range []map[string]any{
		fluxBody("https://github.com/org/repo", map[string]any{"configurationProtectedSettings": map[string]any{"sshPrivateKey": canary}}),
		fluxBody("ssh://git@github.com/org/repo", map[string]any{"configurationProtectedSettings": map[string]any{"token": canary}}),
		fluxBody("https://bob:"+canary+"@github.com/org/repo", nil),
		fluxBody("ssh://git@github.com/org/repo", map[string]any{"configurationProtectedSettings": map[string]any{"sshPrivateKey": map[string]any{"x": canary}}}),
	} {
		collect(th.exchange(http.MethodPut, th.url(fluxPath("c1", "bad")+apiExt), bad))
	}

	if !strings.Contains(scan.answers[0], `"provisioningState":"Creating"`) || !strings.Contains(scan.answers[2], `"status":"InProgress"`) ||
		!strings.Contains(scan.answers[12], `"code":"InvalidParameter"`) {
		t.Fatalf("the scanned answers are not what the test meant to scan: %q", scan.answers)
	}
	scan.answersWithout("CANARY")

	// The delivered copy opens with the agent's key only, and holds the patched key.
	openDelivered := func(k agentKey, c *http.Client) (map[string]string, error) {
		_, spec := th.desiredFlux(c, "cfg")
		if strings.Contains(string(mustJSON(t, spec)), "CANARY") {
			t.Error("the desired spec carries a protected setting in clear")
		}
		plain, err := seal.OpenAgent(k.key, spec.ProtectedSettings)
		if err != nil {
			return nil, err
		}
		var got map[string]string
		return got, json.Unmarshal(plain, &got)
	}
	if got, err := openDelivered(key, agent); err != nil || got["sshPrivateKey"] != canary2 || len(got) != 1 {
		t.Errorf("delivered protected settings = %v %v", got, err)
	}
	if _, err := openDelivered(newAgentKey(t), agent); err == nil {
		t.Error("another key opened the protected settings")
	}

	// A new agent key: the delivered copy is re-sealed for it.
	newKey, newAgent := th.rekey("c1")
	if _, err := openDelivered(newKey, newAgent); err != nil {
		t.Errorf("the new agent key cannot open the re-sealed settings: %v", err)
	}
	if _, err := openDelivered(key, newAgent); err == nil {
		t.Error("the old agent key still opens the protected settings")
	}

	th.scanDataFiles("while serving")
	th.stop()
	th.scanDataFiles("after shutdown")
	scan.logWithout("CANARY")
}

// TestFluxBadRequestsGetARMErrors checks what a user sees for requests the API refuses.
func TestFluxBadRequestsGetARMErrors(t *testing.T) {
	th := newTestHub(t)
	th.agent("c1")
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code, message      string
	}{
		{"unknown api-version", http.MethodGet, fluxPath("c1", "cfg") + "?api-version=2022-03-01", nil, 400, "InvalidApiVersionParameter", "Supported api-versions are '2023-05-01'"},
		{"bad name", http.MethodPut, fluxPath("c1", "Bad_Name") + apiExt, fluxBody("https://h/r", nil), 400, "InvalidParameter", "The Flux configuration name 'Bad_Name' is invalid"},
		{"no cluster", http.MethodPut, fluxPath("nope", "cfg") + apiExt, fluxBody("https://h/r", nil), 404, "ResourceNotFound", "connectedClusters"},
		{"bad json", http.MethodPut, fluxPath("c1", "cfg") + apiExt, "{", 400, "InvalidRequestContent", "could not be deserialized"},
		{"wrong type", http.MethodPut, fluxPath("c1", "cfg") + apiExt, map[string]any{"properties": map[string]any{"suspend": "yes"}}, 400, "InvalidRequestContent", "property 'properties.suspend' must be of type bool"},
		{"missing url", http.MethodPut, fluxPath("c1", "cfg") + apiExt, fluxBody("", nil), 400, "MissingRequiredProperty", "'properties.gitRepository.url' is required"},
		{"cycle", http.MethodPut, fluxPath("c1", "cfg") + apiExt, fluxBody("https://h/r", map[string]any{"kustomizations": map[string]any{
			"a": map[string]any{"dependsOn": []string{"b"}}, "b": map[string]any{"dependsOn": []string{"a"}}}}), 400, "InvalidParameter", "in a cycle: a -> b -> a"},
		{"bucket", http.MethodPut, fluxPath("c1", "cfg") + apiExt, map[string]any{"properties": map[string]any{"sourceKind": "Bucket", "bucket": map[string]any{"url": "https://s3"}}},
			400, "InvalidParameter", "supports sourceKind GitRepository only"},
		{"patch of nothing", http.MethodPatch, fluxPath("c1", "none") + apiExt, map[string]any{"properties": map[string]any{}}, 404, "ResourceNotFound", "fluxConfigurations"},
		{"get of nothing", http.MethodGet, fluxPath("c1", "none") + apiExt, nil, 404, "ResourceNotFound", "fluxConfigurations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(tt.method, tt.path, th.AdminToken, tt.body)
			if r.status != tt.status || r.errorCode() != tt.code || !strings.Contains(r.errorMessage(), tt.message) {
				t.Errorf("%d %s %q, want %d %s with %q", r.status, r.errorCode(), r.errorMessage(), tt.status, tt.code, tt.message)
			}
		})
	}
}

// TestClusterOwnedFluxConfigurationsAreReadOnly: a GitOpsConfiguration applied in the cluster
// shows on the API from the agent's report, and the API refuses to write over it.
func TestClusterOwnedFluxConfigurationsAreReadOnly(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	spec := protocol.GitOpsConfigurationSpec{Scope: "cluster", Namespace: "apps", SourceKind: "GitRepository",
		GitRepository: &protocol.GitRepositoryDefinition{URL: "https://github.com/org/local", RepositoryRef: &protocol.RepositoryRefDefinition{Branch: "main"}}}
	th.reportFlux(agent, "local", "", protocol.GitOpsConfigurationStatus{ProvisioningState: protocol.ProvisioningSucceeded,
		ComplianceState: protocol.ComplianceCompliant, ClusterOwned: &spec})

	r := th.do(http.MethodGet, fluxPath("c1", "local")+apiExt, th.AdminToken, nil)
	p := testingProps(t, r)
	sd, _ := r.body["systemData"].(map[string]any)
	if r.status != http.StatusOK || p["complianceState"] != "Compliant" || p["namespace"] != "apps" || sd["createdByType"] != "Cluster" {
		t.Errorf("GET of a cluster-owned configuration: %d %s", r.status, r.raw)
	}
	list := th.do(http.MethodGet, clusterPath(sub, rg, "c1")+"/providers/Microsoft.KubernetesConfiguration/fluxConfigurations"+apiExt, th.AdminToken, nil)
	if !strings.Contains(list.raw, `"name":"local"`) {
		t.Errorf("the listing lacks the cluster-owned configuration: %s", list.raw)
	}
	for _, method := range []string{http.MethodPut, http.MethodDelete} {
		r := th.do(method, fluxPath("c1", "local")+apiExt, th.AdminToken, fluxBody("https://github.com/org/repo", nil))
		if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(), "was created in the cluster") {
			t.Errorf("%s over a cluster-owned configuration: %d %s", method, r.status, r.raw)
		}
	}
}
