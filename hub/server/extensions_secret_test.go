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

	"github.com/kubearc/kubearc/pkg/seal"
)

// TestProtectedSettingsNeverLeak puts canary values in configurationProtectedSettings and
// looks for them everywhere a user or operator could see them: every answer of the API, the
// hub's log and the raw database files. Only the cluster's agent can open its copy.
func TestProtectedSettingsNeverLeak(t *testing.T) {
	const canary, canary2 = "CANARY-5f1c2b7e-protected", "CANARY-9d3e-patched"
	scan := startLeakScan(t)
	th, collect := scan.testHub, scan.collect
	agent, key := th.agent("c1")

	ext := th.url(extensionPath("c1", "flux") + apiExt)
	h := collect(th.exchange(http.MethodPut, ext, extBody(map[string]any{"extensionType": "flux",
		"configurationSettings":          map[string]any{"image.tag": "v2"},
		"configurationProtectedSettings": map[string]any{"git.password": canary}})))
	collect(th.exchange(http.MethodGet, h.Get("Azure-AsyncOperation"), nil))
	th.installed(agent, "flux")
	h = collect(th.exchange(http.MethodPatch, ext, extBody(map[string]any{"configurationProtectedSettings": map[string]any{"ssh.key": canary2}})))
	collect(th.exchange(http.MethodGet, h.Get("Azure-AsyncOperation"), nil))
	collect(th.exchange(http.MethodGet, ext, nil))
	collect(th.exchange(http.MethodGet, th.url(clusterPath(sub, rg, "c1")+"/providers/Microsoft.KubernetesConfiguration/extensions"+apiExt), nil))
	collect(th.exchange(http.MethodPut, ext, extBody(map[string]any{"extensionType": "nope",
		"configurationProtectedSettings": map[string]any{"x": canary}})))
	collect(th.exchange(http.MethodPut, ext, extBody(map[string]any{"extensionType": "flux",
		"configurationProtectedSettings": map[string]any{"x": map[string]any{"nested": canary}}})))
	collect(th.exchange(http.MethodGet, th.url(clusterPath(sub, rg, "c1")+api2024), nil))

	if !strings.Contains(scan.answers[0], `"provisioningState":"Creating"`) || !strings.Contains(scan.answers[2], `"status":"InProgress"`) {
		t.Fatalf("the scanned answers are not what the test meant to scan: %q", scan.answers[:3])
	}
	scan.answersWithout("CANARY")

	// The delivered copy opens with the agent's key and holds both settings (PATCH merges).
	_, spec := th.desiredExtension(agent, "flux")
	plain, err := seal.OpenAgent(key.key, spec.ProtectedSettings)
	if err != nil {
		t.Fatalf("the agent cannot open its protected settings: %v", err)
	}
	var got map[string]string
	if err := json.Unmarshal(plain, &got); err != nil || got["git.password"] != canary || got["ssh.key"] != canary2 {
		t.Errorf("delivered protected settings = %v %v", got, err)
	}
	if _, err := seal.OpenAgent(newAgentKey(t).key, spec.ProtectedSettings); err == nil {
		t.Error("another key opened the protected settings")
	}
	if strings.Contains(spec.ProtectedSettings, "CANARY") || strings.Contains(string(mustJSON(t, spec.ConfigurationSettings)), "CANARY") {
		t.Error("the desired spec carries a protected setting in clear")
	}

	// A new agent key: the delivered copy is re-sealed for it.
	newKey, newAgent := th.rekey("c1")
	_, spec = th.desiredExtension(newAgent, "flux")
	if _, err := seal.OpenAgent(newKey.key, spec.ProtectedSettings); err != nil {
		t.Errorf("the new agent key cannot open the re-sealed settings: %v", err)
	}
	if _, err := seal.OpenAgent(key.key, spec.ProtectedSettings); err == nil {
		t.Error("the old agent key still opens the protected settings")
	}

	th.scanDataFiles("while serving")
	th.stop()
	th.scanDataFiles("after shutdown")
	scan.logWithout("CANARY")
	if info, err := os.Stat(filepath.Join(th.DataDir, "data.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("data key file: %v %v, want mode 0600", info, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
