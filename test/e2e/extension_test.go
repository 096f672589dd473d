//go:build e2e

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

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

const (
	// demoType is the extension type of the test catalog, served from a local chart repo.
	demoType = "kubearc.demo"
	// canary is a protected setting that must never show outside the cluster's Secret and
	// the release's values.
	canary = "e2e-canary-7f3a9c"
)

// TestExtensionJourney installs, upgrades and removes an extension through arcctl, with the
// hub's catalog pointing at a chart repository the test serves.
func TestExtensionJourney(t *testing.T) {
	e := newEnv(t)
	e.serveDemoCatalog()
	e.up()

	var outputs []string
	outputs = append(outputs, e.arcctl("k8s-extension", "create", "-c", cluster, "-g", group, "-n", "demo",
		"--extension-type", demoType, "--version", "0.1.0", "--auto-upgrade-minor-version", "false",
		"--scope", "cluster", "--release-namespace", "demo",
		"--configuration-settings", "greeting=hello", "--configuration-protected-settings", "auth.password="+canary))
	t.Run("create installs the chart with settings and protected settings", func(t *testing.T) {
		e.in(t).expectDemoConfigMap(map[string]string{"chartVersion": "0.1.0", "greeting": "hello", "password": canary})
	})
	t.Run("update upgrades the release", func(t *testing.T) {
		e := e.in(t)
		outputs = append(outputs, e.arcctl("k8s-extension", "update", "-c", cluster, "-g", group, "-n", "demo", "--version", "0.2.0"))
		e.expectDemoConfigMap(map[string]string{"chartVersion": "0.2.0", "greeting": "hello", "password": canary})
		show := e.arcctl("k8s-extension", "show", "-c", cluster, "-g", group, "-n", "demo", "-o", "json")
		outputs = append(outputs, show)
		e.expectExtension(show, "Succeeded", "0.2.0")
	})
	t.Run("delete uninstalls the release", func(t *testing.T) {
		e := e.in(t)
		outputs = append(outputs, e.arcctl("k8s-extension", "delete", "-c", cluster, "-g", group, "-n", "demo", "--yes"))
		e.waitFor("the release's ConfigMap to go", time.Minute, func() error {
			out, err := e.kubectlRun("", "get", "configmap", "demo-config", "-n", "demo")
			if err == nil || !strings.Contains(out, "NotFound") {
				return fmt.Errorf("demo-config is still there: %s", out)
			}
			return nil
		})
	})
	t.Run("the protected setting shows nowhere outside the cluster", func(t *testing.T) {
		e.in(t).expectNoCanary(outputs)
	})
}

// serveDemoCatalog serves demo charts 0.1.0 and 0.2.0 and writes a hub catalog offering
// them as demoType.
func (e *env) serveDemoCatalog() {
	e.t.Helper()
	url := e.serveCharts(helmtest.ConfigMapChart("demo", "0.1.0", false), helmtest.ConfigMapChart("demo", "0.2.0", false))
	e.writeCatalog(fmt.Sprintf(`  - name: %s
    description: A chart rendering one ConfigMap, for the e2e tests.
    defaultScope: cluster
    defaultReleaseNamespace: demo
    chart: {repository: %q, name: demo}
    releaseTrains:
      - name: Stable
        versions: ["0.1.0", "0.2.0"]
`, demoType, url))
}

// expectDemoConfigMap waits until the release's ConfigMap holds want.
func (e *env) expectDemoConfigMap(want map[string]string) {
	e.t.Helper()
	e.waitFor("the release's ConfigMap", time.Minute, func() error {
		out, err := e.kubectlRun("", "get", "configmap", "demo-config", "-n", "demo", "-o", "jsonpath={.data}")
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		var data map[string]string
		if err := json.Unmarshal([]byte(out), &data); err != nil {
			return fmt.Errorf("ConfigMap data %q: %w", out, err)
		}
		for k, v := range want {
			if data[k] != v {
				return fmt.Errorf("ConfigMap demo-config has %s=%q, want %q", k, data[k], v)
			}
		}
		return nil
	})
}

// expectExtension checks `k8s-extension show -o json`.
func (e *env) expectExtension(show, state, version string) {
	e.t.Helper()
	var ext struct {
		Properties struct {
			ProvisioningState string `json:"provisioningState"`
			CurrentVersion    string `json:"currentVersion"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(show), &ext); err != nil {
		e.t.Fatalf("show -o json: %v\n%s", err, show)
	}
	if ext.Properties.ProvisioningState != state || ext.Properties.CurrentVersion != version {
		e.t.Fatalf("the hub shows %+v, want %s at %s", ext.Properties, state, version)
	}
}

// expectNoCanary scans what arcctl printed, what the hub and the agent logged, and the
// agent's log shipped to the hub.
func (e *env) expectNoCanary(outputs []string) {
	e.t.Helper()
	for i, out := range outputs {
		if strings.Contains(out, canary) {
			e.t.Errorf("arcctl output %d shows the protected setting:\n%s", i, out)
		}
	}
	if strings.Contains(e.shippedLogs(), canary) {
		e.t.Errorf("the agent's log on the hub (arcctl connectedk8s logs) shows the protected setting")
	}
	logs := []string{filepath.Join(e.dir, "hub.log"), filepath.Join(e.dir, "agents", cluster, "agent.log")}
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			e.t.Fatal(err)
		}
		if strings.Contains(string(b), canary) {
			e.t.Errorf("%s shows the protected setting", l)
		}
	}
	for _, kind := range []string{"events", "extensions"} {
		out, err := e.kubectlRun("", "get", kind, "-A", "-o", "json")
		if err != nil {
			e.t.Fatalf("kubectl get %s: %v: %s", kind, err, out)
		}
		if strings.Contains(out, canary) {
			e.t.Errorf("%s in the cluster show the protected setting", kind)
		}
	}
}
