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
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/kubearc/kubearc/internal/otelcoltest"
)

const (
	// monitoringType is the catalog's monitoring extension; the test names it by its Azure alias.
	monitoringType = "kubearc.monitoring"
	// monitoringRelease is the extension's name, its Helm release and its collector's objects.
	monitoringRelease = "azuremonitor-containers"
	monitoringNS      = "kubearc-monitoring"
)

// TestMonitoringJourney installs the monitoring extension through arcctl, then plays the
// kubelet: it runs the collector the release configured (kubearc-otelcol, built by
// hack/otelcol.sh) as a process on pod log files the test writes in the kubelet's layout and
// on a fake kubelet's stats, and reads what reached the workspace, a second real collector
// that demands the bearer token of the hub's workspace resource the extension names. Events
// are off: the test collector has no events receiver (docs/monitoring.md).
func TestMonitoringJourney(t *testing.T) {
	e := newEnv(t)
	e.serveMonitoringCatalog()
	e.up()
	ws := otelcoltest.StartWorkspace(t, canary)
	node := newFakeNode(t)

	settings := node.settings()
	args := make([]string, 0, 16+2*len(settings))
	args = append(args, "k8s-extension", "create", "-c", cluster, "-g", group, "-n", monitoringRelease,
		"--extension-type", "Microsoft.AzureMonitor.Containers", "--scope", "cluster")
	for _, s := range settings {
		args = append(args, "--configuration-settings", s)
	}
	wsArgs, wsOutput := e.workspaceArgs(ws)
	outputs := []string{wsOutput, e.arcctl(append(args, wsArgs...)...)}

	steps := []struct {
		name string
		run  func(e *env)
	}{
		{"the release renders the collector's config and the token's Secret", func(e *env) { node.configure(e) }},
		{"the collector ships the included namespace's logs with their pod attributes", func(e *env) {
			node.startCollector(t, e) // t: the collector runs until the journey ends
			e.waitFor("shop's log lines in the workspace", 45*time.Second, func() error { return node.writeAndExpectLogs(e, ws) })
		}},
		{"the collector ships node and pod metrics, not the excluded namespace's", func(e *env) {
			e.waitFor("shop's pod metrics in the workspace", 30*time.Second, func() error { return expectMetrics(e, ws) })
		}},
		{"the workspace token shows nowhere outside the cluster's Secret", func(e *env) {
			outputs = append(outputs, e.arcctl("k8s-extension", "show", "-c", cluster, "-g", group, "-n", monitoringRelease, "-o", "json"),
				e.arcctl("monitoring", "workspace", "show", "-g", group, "-n", "shared", "-o", "json"))
			e.expectNoCanary(outputs)
			node.expectNoCanaryInCollectorLog(e)
		}},
	}
	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(e.in(t)) }) {
			return
		}
	}
}

// settings point the collector at the fake node's paths and kubelet, exclude kube-system
// and noisy, and turn events off (the test collector has no events receiver).
func (n *fakeNode) settings() []string {
	return []string{
		"logs.podLogsPath=" + n.podLogs,
		"metrics.kubelet.endpoint=" + n.kubeletURL,
		"metrics.kubelet.authType=none",
		"collectionInterval=2s",
		"namespaces.exclude=kube-system,noisy",
		"events.enabled=false",
		"workspace.credentialsDir=" + n.credentials,
		"healthCheck.port=" + n.healthPort,
	}
}

// workspaceArgs creates the workspace on the hub with arcctl (its token, the canary, read
// from a file) and names it in the extension's settings as logAnalyticsWorkspaceResourceID,
// which the hub resolves into the chart's workspace.* values. It returns the settings and what
// arcctl printed. Without the hub's workspace resource the settings would be
// workspace.otlpEndpoint=<ws.URL> and the protected setting workspace.bearerToken=<token>.
func (e *env) workspaceArgs(ws *otelcoltest.Workspace) (args []string, output string) {
	e.t.Helper()
	tokenFile := filepath.Join(e.dir, "workspace.token")
	if err := os.WriteFile(tokenFile, []byte(canary), 0o600); err != nil {
		e.t.Fatal(err)
	}
	output = e.arcctl("monitoring", "workspace", "create", "-g", group, "-n", "shared",
		"--otlp-endpoint", ws.URL, "--bearer-token-file", tokenFile, "-o", "json")
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(output), &created); err != nil || created.ID == "" {
		e.t.Fatalf("arcctl monitoring workspace create -o json printed no ID (%v):\n%s", err, output)
	}
	return []string{"--configuration-settings", "logAnalyticsWorkspaceResourceID=" + created.ID}, output
}

// serveMonitoringCatalog serves charts/kubearc-monitoring and offers it as monitoringType,
// with the aliases of the built-in catalog.
func (e *env) serveMonitoringCatalog() {
	e.t.Helper()
	chrt, err := loader.Load(filepath.Join(e.root, "charts", "kubearc-monitoring"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.writeCatalog(fmt.Sprintf(`  - name: %s
    aliases: [microsoft.azuremonitor.containers, monitoring]
    description: The workload monitoring chart of this tree.
    defaultScope: cluster
    defaultReleaseNamespace: %s
    workspaceSetting: logAnalyticsWorkspaceResourceID
    chart: {repository: %q, name: kubearc-monitoring}
    releaseTrains:
      - name: Stable
        versions: [%q]
`, monitoringType, monitoringNS, e.serveCharts(chrt), chrt.Metadata.Version))
}

// configure waits for the release's ConfigMap and Secret and puts them where the DaemonSet's
// pod would see them: the config file, and the token in the credentials directory.
func (n *fakeNode) configure(e *env) {
	e.waitFor("the collector's ConfigMap", time.Minute, func() error {
		out, err := e.kubectlRun("", "get", "configmap", monitoringRelease, "-n", monitoringNS, "-o", `jsonpath={.data.config\.yaml}`)
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		if !strings.Contains(out, "receivers:") {
			return fmt.Errorf("no collector config in the ConfigMap yet: %q", out)
		}
		n.config = out
		return nil
	})
	if strings.Contains(n.config, canary) {
		e.t.Fatal("the collector's ConfigMap holds the bearer token")
	}
	out, err := e.kubectlRun("", "get", "secret", monitoringRelease+"-workspace", "-n", monitoringNS, "-o", "jsonpath={.data.bearerToken}")
	if err != nil {
		e.t.Fatalf("the token's Secret: %v", err) // not out: it is the token
	}
	token, err := base64.StdEncoding.DecodeString(out)
	if err != nil || string(token) != canary {
		e.t.Fatal("the Secret's bearerToken is not the protected setting")
	}
	n.writeFile(e.t, filepath.Join(n.credentials, "bearerToken"), string(token))
}

// startCollector runs the collector on the release's config, until t ends, and waits until
// it is healthy.
func (n *fakeNode) startCollector(t testing.TB, e *env) {
	path := filepath.Join(n.dir, "config.yaml")
	n.writeFile(e.t, path, n.config)
	n.collector = otelcoltest.Start(t, path, "K8S_NODE_NAME="+nodeName, "K8S_NODE_IP=127.0.0.1", "K8S_POD_IP=127.0.0.1")
	health := "http://127.0.0.1:" + n.healthPort + "/"
	e.waitFor("the collector's health check", 30*time.Second, func() error {
		req, err := http.NewRequestWithContext(e.t.Context(), http.MethodGet, health, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: HTTP %d", health, resp.StatusCode)
		}
		return nil
	})
}

func (n *fakeNode) expectNoCanaryInCollectorLog(e *env) {
	b, err := os.ReadFile(n.collector.Log)
	if err != nil {
		e.t.Fatal(err)
	}
	if strings.Contains(string(b), canary) {
		e.t.Errorf("the collector's log shows the bearer token")
	}
}
