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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func extBody(props map[string]any) map[string]any { return map[string]any{"properties": props} }

func TestExtensionBadInput(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	ok := extensionPath("c1", "flux")
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code, message      string
	}{
		{"unknown type lists the valid ones", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "nope"}), 400, "InvalidParameter",
			"properties.extensionType' is invalid: The extension type 'nope' is not in the hub's catalog. Valid extension types are: microsoft.flux, gatekeeper"},
		{"no extension type", "PUT", ok + apiExt, extBody(map[string]any{}), 400, "MissingRequiredProperty", "properties.extensionType"},
		{"no properties", "PUT", ok + apiExt, map[string]any{}, 400, "MissingRequiredProperty", "'properties'"},
		{"version with auto-upgrade", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "version": "2.15.0"}), 400, "InvalidParameter",
			"'properties.version' can only be set when 'properties.autoUpgradeMinorVersion' is false"},
		{"pinned without version", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "autoUpgradeMinorVersion": false}), 400, "InvalidParameter",
			"A version is required when autoUpgradeMinorVersion is false. Valid versions on release train 'Stable' are: 2.12.4, 2.15.0, 2.16.2"},
		{"unknown version", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "autoUpgradeMinorVersion": false, "version": "9.0.0"}), 400, "InvalidParameter",
			"properties.version' is invalid: The version '9.0.0' does not exist on release train 'Stable'"},
		{"unknown train", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "releaseTrain": "nightly"}), 400, "InvalidParameter",
			"Valid release trains are: Stable, Preview"},
		{"both scopes", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "scope": map[string]any{
			"cluster": map[string]any{"releaseNamespace": "a"}, "namespace": map[string]any{"targetNamespace": "b"}}}), 400, "InvalidParameter", "not both"},
		{"bad namespace", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "scope": map[string]any{
			"cluster": map[string]any{"releaseNamespace": "Flux_System"}}}), 400, "InvalidParameter", "not a valid Kubernetes namespace name"},
		{"null setting", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "configurationSettings": map[string]any{"a": nil}}), 400, "InvalidParameter", "'a'"},
		{"setting of the wrong type", "PUT", ok + apiExt, extBody(map[string]any{"extensionType": "flux", "configurationSettings": map[string]any{"a": 1}}), 400, "InvalidRequestContent", "configurationSettings"},
		{"bad JSON", "PUT", ok + apiExt, `{"properties":`, 400, "InvalidRequestContent", "could not be deserialized"},
		{"bad name", "PUT", extensionPath("c1", "Flux_1") + apiExt, extBody(map[string]any{"extensionType": "flux"}), 400, "InvalidParameter", "The extension name 'Flux_1' is invalid"},
		{"bad api-version", "PUT", ok + "?api-version=2024-01-01", extBody(map[string]any{"extensionType": "flux"}), 400, "InvalidApiVersionParameter", "Supported api-versions are '2023-05-01'"},
		{"no api-version", "GET", ok, nil, 400, "MissingApiVersionParameter", "2023-05-01"},
		{"unknown cluster", "PUT", extensionPath("nope", "flux") + apiExt, extBody(map[string]any{"extensionType": "flux"}), 404, "ResourceNotFound", "connectedClusters"},
		{"unknown extension", "GET", extensionPath("c1", "missing") + apiExt, nil, 404, "ResourceNotFound", "missing"},
		{"patch of an unknown extension", "PATCH", extensionPath("c1", "missing") + apiExt, extBody(map[string]any{}), 404, "ResourceNotFound", "missing"},
		{"unknown operation", "GET", ok + "/operations/nope" + apiExt, nil, 404, "ResourceNotFound", "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if !strings.Contains(path, "?") {
				path += "?" // keep the harness from adding an api-version
			}
			r := th.do(tt.method, path, th.AdminToken, tt.body)
			if r.status != tt.status || r.errorCode() != tt.code || !strings.Contains(r.errorMessage(), tt.message) {
				t.Fatalf("got %d %s, want %d %s containing %q", r.status, r.raw, tt.status, tt.code, tt.message)
			}
		})
	}
}

func TestExtensionScopesAndDefaults(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	r := th.do(http.MethodPut, extensionPath("c1", "gk")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "GateKeeper",
		"autoUpgradeMinorVersion": false, "version": "3.16.3", "releaseTrain": "stable",
		"scope": map[string]any{"namespace": map[string]any{"targetNamespace": "team-a"}}}))
	if r.status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}
	p := testingProps(t, r)
	if p["provisioningState"] != "Creating" || p["version"] != "3.16.3" || p["autoUpgradeMinorVersion"] != false {
		t.Errorf("answer = %v", p)
	}
	_, spec := th.desiredExtension(agent, "gk")
	if spec.Scope != protocol.ScopeNamespace || spec.Namespace != "team-a" || spec.Version != "3.16.3" ||
		spec.Chart.Repository != "https://open-policy-agent.github.io/gatekeeper/charts" || spec.Chart.Version != "3.16.3" {
		t.Errorf("desired spec = %+v", spec)
	}
	if r := th.do(http.MethodPut, extensionPath("c1", "gk")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"})); r.status != 400 ||
		!strings.Contains(r.errorMessage(), "cannot change") {
		t.Errorf("changing the type: %d %s", r.status, r.raw)
	}
}

func TestExtensionFailureShowsErrorInfo(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	th.do(http.MethodPut, extensionPath("c1", "flux")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
	obj, _ := th.desiredExtension(agent, "flux")
	th.report(agent, "flux", obj.ResourceVersion, protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningFailed,
		Message: "chart flux2 2.16.2 not found"})
	p := testingProps(t, th.do(http.MethodGet, extensionPath("c1", "flux")+apiExt, th.AdminToken, nil))
	info, _ := p["errorInfo"].(map[string]any)
	if p["provisioningState"] != "Failed" || info["message"] != "chart flux2 2.16.2 not found" {
		t.Errorf("properties = %v", p)
	}
	// An older observation does not describe a newer spec.
	th.do(http.MethodPatch, extensionPath("c1", "flux")+apiExt, th.AdminToken, extBody(map[string]any{"configurationSettings": map[string]any{"a": "b"}}))
	if p := testingProps(t, th.do(http.MethodGet, extensionPath("c1", "flux")+apiExt, th.AdminToken, nil)); p["provisioningState"] != "Updating" {
		t.Errorf("after a change the agent has not seen: %v, want Updating", p["provisioningState"])
	}
}

func TestClusterOwnedExtensionsAreReadOnly(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	th.report(agent, "local", "", protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded, InstalledVersion: "3.17.1",
		ExtensionType: "gatekeeper", ReleaseTrain: "Stable", Scope: "cluster", Namespace: "gatekeeper-system"})
	r := th.do(http.MethodGet, extensionPath("c1", "local")+apiExt, th.AdminToken, nil)
	p := testingProps(t, r)
	sd, _ := r.body["systemData"].(map[string]any)
	if p["provisioningState"] != "Succeeded" || p["currentVersion"] != "3.17.1" || p["extensionType"] != "gatekeeper" || sd["createdByType"] != "Cluster" {
		t.Errorf("cluster-owned extension = %s", r.raw)
	}
	list := th.do(http.MethodGet, clusterPath(sub, rg, "c1")+"/providers/Microsoft.KubernetesConfiguration/extensions"+apiExt, th.AdminToken, nil)
	if v, _ := list.body["value"].([]any); len(v) != 1 {
		t.Errorf("listing = %s", list.raw)
	}
	for _, m := range []string{http.MethodPut, http.MethodDelete} {
		r := th.do(m, extensionPath("c1", "local")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "gatekeeper"}))
		if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(), "created in the cluster") {
			t.Errorf("%s over a cluster-owned extension: %d %s, want 409", m, r.status, r.raw)
		}
	}
}

func TestDeletingTheClusterDeletesItsExtensions(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	th.do(http.MethodPut, extensionPath("c1", "flux")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
	if r := th.do(http.MethodDelete, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil); r.status != http.StatusOK {
		t.Fatalf("deleting the cluster: %d %s", r.status, r.raw)
	}
	th.createCluster(sub, rg, "c1")
	if r := th.do(http.MethodGet, extensionPath("c1", "flux")+apiExt, th.AdminToken, nil); r.status != http.StatusNotFound {
		t.Errorf("the extension outlived its cluster: %d %s", r.status, r.raw)
	}
}

func TestAgentProfileFollowsTheCatalog(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	profile := func() protocol.AgentProfile {
		r := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
		var state protocol.DesiredState
		if err := json.Unmarshal([]byte(r.raw), &state); err != nil {
			t.Fatal(err)
		}
		for _, obj := range state.Items {
			if obj.Kind == protocol.KindAgentProfile {
				return agentProfile(t, &obj)
			}
		}
		t.Fatal("no agent profile")
		return protocol.AgentProfile{}
	}
	p := profile()
	if p.ReleaseTrain != "Stable" || p.AvailableAgentVersion != "0.1.0" || p.TargetAgentVersion != "0.1.0" || p.TargetChart == nil ||
		p.TargetChart.Repository != "oci://ghcr.io/kubearc/charts" || p.TargetChart.Name != "kubearc-agent" {
		t.Errorf("profile = %+v", p)
	}
	th.do(http.MethodPatch, clusterPath(sub, rg, "c1")+api2024, th.AdminToken,
		map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"agentAutoUpgrade": "Disabled"}}})
	if p := profile(); p.TargetAgentVersion != "" || p.AvailableAgentVersion != "0.1.0" {
		t.Errorf("with auto-upgrade disabled: %+v, want no target", p)
	}
	th.do(http.MethodPatch, clusterPath(sub, rg, "c1")+api2024, th.AdminToken,
		map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": "0.0.9"}}})
	if p := profile(); p.TargetAgentVersion != "0.0.9" || p.TargetChart.Version != "0.0.9" {
		t.Errorf("pinned: %+v", p)
	}
}

// writeCatalog writes upgradeCatalog with the flux type's versions ext and the agent's
// versions agent to file.
func writeCatalog(t *testing.T, file, ext, agent string) {
	t.Helper()
	doc := strings.Replace(strings.Replace(upgradeCatalog, "%s", ext, 1), "%s", agent, 1)
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
}

// upgradeCatalog has one extension type, "flux" (not microsoft.flux, so no Flux for GitOps).
const upgradeCatalog = `
extensionTypes:
  - name: flux
    defaultReleaseNamespace: flux-system
    chart: {repository: https://charts.example/flux, name: flux2}
    releaseTrains:
      - name: Stable
        versions: [%s]
agent:
  chart: {repository: oci://charts.example/kubearc, name: kubearc-agent}
  releaseTrains:
    - name: Stable
      versions: [%s]
`

func TestAutoUpgradeWhenTheCatalogChanges(t *testing.T) {
	file := filepath.Join(t.TempDir(), "catalog.yaml")
	write := func(ext, agent string) { writeCatalog(t, file, ext, agent) }
	write("1.0.0, 1.1.0", "0.1.0")
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.CatalogFile = file }})
	agent, _ := th.agent("c1")
	th.do(http.MethodPut, extensionPath("c1", "auto")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
	th.do(http.MethodPut, extensionPath("c1", "pinned")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux", "autoUpgradeMinorVersion": false, "version": "1.0.0"}))
	th.stop()

	write("1.0.0, 1.1.0, 1.2.0, 2.0.0", "0.1.0, 0.2.0")
	th = th.restart() // the agent's certificate and client stay valid
	if _, spec := th.desiredExtension(agent, "auto"); spec.Version != "1.2.0" || spec.Chart.Version != "1.2.0" {
		t.Errorf("auto-upgraded extension = %+v, want 1.2.0 (the newest 1.x)", spec)
	}
	if _, spec := th.desiredExtension(agent, "pinned"); spec.Version != "1.0.0" {
		t.Errorf("pinned extension moved to %s", spec.Version)
	}
	if p := testingProps(t, th.do(http.MethodGet, extensionPath("c1", "auto")+apiExt, th.AdminToken, nil)); p["provisioningState"] != "Updating" {
		t.Errorf("the upgraded extension is %v, want Updating", p["provisioningState"])
	}
}

func TestOperationsAreForgottenAfterADay(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	h, _ := th.exchange(http.MethodPut, th.url(extensionPath("c1", "flux")+apiExt), extBody(map[string]any{"extensionType": "flux"}))
	op := strings.TrimPrefix(h.Get("Azure-AsyncOperation"), "https://"+th.Addr)
	if r := th.do(http.MethodGet, op, th.AdminToken, nil); r.status != http.StatusOK || r.body["status"] != "InProgress" {
		t.Fatalf("operation status: %d %s", r.status, r.raw)
	}
	th.Clock.Advance(25 * time.Hour)
	th.do(http.MethodPut, extensionPath("c1", "flux")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
	if r := th.do(http.MethodGet, op, th.AdminToken, nil); r.status != http.StatusNotFound {
		t.Errorf("a day-old operation: %d %s, want 404", r.status, r.raw)
	}
}

func TestExtensionPatchRules(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	path := extensionPath("c1", "flux") + apiExt
	th.do(http.MethodPut, path, th.AdminToken, extBody(map[string]any{"extensionType": "flux", "autoUpgradeMinorVersion": false, "version": "2.12.4",
		"configurationSettings": map[string]any{"a": "1", "b": "2"}}))
	tests := []struct {
		name        string
		patch       map[string]any
		status      int
		wantVersion any
		wantAuto    any
		wantSetting map[string]any
	}{
		{"a version while auto-upgrading", map[string]any{"autoUpgradeMinorVersion": true, "version": "2.15.0"}, 400, nil, nil, nil},
		{"unknown version", map[string]any{"version": "7.0.0"}, 400, nil, nil, nil},
		{"settings merge, null removes", map[string]any{"configurationSettings": map[string]any{"a": nil, "c": "3"}}, 202, "2.12.4", false, map[string]any{"b": "2", "c": "3"}},
		{"auto-upgrade unpins", map[string]any{"autoUpgradeMinorVersion": true}, 202, nil, true, map[string]any{"b": "2", "c": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(http.MethodPatch, path, th.AdminToken, extBody(tt.patch))
			if r.status != tt.status {
				t.Fatalf("got %d %s, want %d", r.status, r.raw, tt.status)
			}
			if tt.status != 202 {
				return
			}
			p := testingProps(t, r)
			settings, _ := p["configurationSettings"].(map[string]any)
			if p["version"] != tt.wantVersion || p["autoUpgradeMinorVersion"] != tt.wantAuto || len(settings) != len(tt.wantSetting) {
				t.Errorf("properties = %v", p)
			}
			for k, v := range tt.wantSetting {
				if settings[k] != v {
					t.Errorf("configurationSettings = %v, want %v", settings, tt.wantSetting)
				}
			}
		})
	}
	// ARM paths are case-insensitive.
	upper := strings.ReplaceAll(strings.ReplaceAll(extensionPath("c1", "flux"), "/providers/", "/PROVIDERS/"), "/extensions/", "/Extensions/")
	if r := th.do(http.MethodGet, upper+apiExt, th.AdminToken, nil); r.status != http.StatusOK || r.body["name"] != "flux" {
		t.Errorf("GET %s: %d %s", upper, r.status, r.raw)
	}
}
