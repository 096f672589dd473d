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
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	subscription = "00000000-0000-0000-0000-0000000000e2"
	cluster      = "e2e"
	group        = "e2e"
	// seededNodes is what bin/localcluster creates, 4 vCPUs each.
	seededNodes = 3
)

// TestQuickstartJourney brings kubearc up as the quickstart does and walks a user's path:
// connect, see the cluster's metadata on the hub, add a node, survive a hub restart,
// measure the idle agent, disconnect.
func TestQuickstartJourney(t *testing.T) {
	e := newEnv(t)
	e.up()
	t.Run("the hub shows the cluster's metadata", func(t *testing.T) {
		e := e.in(t)
		e.waitFor("the first heartbeat's metadata", time.Minute, func() error {
			return e.expectCluster("Connected", seededNodes, 4*seededNodes)
		})
	})
	t.Run("a new node reaches the hub with the next heartbeat", func(t *testing.T) {
		e := e.in(t)
		e.kubectlOK("", "patch", "arcconnection", "default", "--type", "merge", "-p", `{"spec":{"heartbeatInterval":"10s"}}`)
		e.kubectlOK(nodeManifest("e2e-extra-node"), "apply", "-f", "-")
		e.waitFor("4 nodes on the hub", time.Minute, func() error {
			return e.expectCluster("Connected", seededNodes+1, 4*seededNodes)
		})
	})
	t.Run("the agent idles lightly", func(t *testing.T) { e.in(t).measureIdleAgent(30 * time.Second) })
	t.Run("the cluster reconnects after a hub restart", func(t *testing.T) {
		e := e.in(t)
		e.stop("hub")
		e.waitFor("the agent to notice the hub is gone", time.Minute, func() error {
			return e.expectConnected("False")
		})
		e.startHub("hub")
		e.waitFor("Connected again", 2*time.Minute, func() error {
			if err := e.expectConnected("True"); err != nil {
				return err
			}
			return e.expectCluster("Connected", seededNodes+1, 4*seededNodes)
		})
	})
	t.Run("kubectl reaches the cluster through the hub, as the cluster's RBAC allows", func(t *testing.T) { e.in(t).clusterConnect() })
	t.Run("a second replica waits, then takes over when the leader stops", func(t *testing.T) { e.in(t).failover() })
	t.Run("disconnect removes the agent and the hub resource", func(t *testing.T) { e.in(t).disconnect() })
}

// connect connects the cluster as the quickstart does, with the agent as a local process;
// extra are more arguments of arcctl connectedk8s connect.
func (e *env) connect(extra ...string) {
	e.t.Helper()
	out := e.arcctl(append([]string{"connectedk8s", "connect", "--name", cluster, "--resource-group", group,
		"--kubeconfig", e.kube, "--local-agent", "--timeout", "2m"}, extra...)...)
	if !strings.Contains(out, "is Connected") {
		e.t.Fatalf("connect did not report Connected:\n%s", out)
	}
}

// up brings up a connected installation: cluster, hub, arcctl logged in, agent connected
// (connectArgs are more arguments of arcctl connectedk8s connect).
func (e *env) up(connectArgs ...string) {
	e.t.Helper()
	e.startCluster()
	e.startHub("hub")
	e.arcctlLogin()
	e.connect(connectArgs...)
}

func (e *env) startCluster() {
	e.kube = filepath.Join(e.dir, "kubeconfig")
	e.start("localcluster", "--write-kubeconfig", e.kube, "--nodes", strconv.Itoa(seededNodes))
	e.waitFor("the local cluster's kubeconfig", 2*time.Minute, func() error { return fileReady(e.kube) })
}

// startHub starts the hub on a free port the first time and on the same port and data
// afterwards, as a restarted hub would be.
func (e *env) startHub(name string) {
	if e.hub == "" {
		e.hub = "https://" + freeAddr(e.t)
	}
	dataDir := filepath.Join(e.dir, "hub-data")
	args := []string{"serve", "--listen", strings.TrimPrefix(e.hub, "https://"), "--data-dir", dataDir, "--log-level", "info"}
	if e.catalog != "" {
		args = append(args, "--catalog", e.catalog)
	}
	args = append(args, e.hubArgs...)
	e.start(name, args...)
	e.waitFor("the hub's admin token", time.Minute, func() error { return fileReady(filepath.Join(dataDir, "admin.token")) })
}

func (e *env) arcctlLogin() {
	e.t.Helper()
	dataDir := filepath.Join(e.dir, "hub-data")
	token, err := os.ReadFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.waitFor("arcctl login", time.Minute, func() error {
		out, err := e.run(e.t.Context(), string(token), filepath.Join(e.root, "bin", "arcctl"), "login", "--hub", e.hub,
			"--ca-file", filepath.Join(dataDir, "ca.crt"), "--token", "-", "--subscription", subscription)
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	})
}

// showCluster decodes what `arcctl connectedk8s show -o json` says of the cluster into c.
func (e *env) showCluster(c any) error {
	out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "connectedk8s", "show",
		"-n", cluster, "-g", group, "-o", "json")
	if err != nil {
		return fmt.Errorf("show: %w: %s", err, out)
	}
	if err := json.Unmarshal([]byte(out), c); err != nil {
		return fmt.Errorf("show -o json is not JSON: %w: %s", err, out)
	}
	return nil
}

// expectCluster checks what `arcctl connectedk8s show -o json` says of the cluster.
func (e *env) expectCluster(connectivity string, nodes, cores int) error {
	var c struct {
		Properties struct {
			ConnectivityStatus string `json:"connectivityStatus"`
			KubernetesVersion  string `json:"kubernetesVersion"`
			TotalNodeCount     int    `json:"totalNodeCount"`
			TotalCoreCount     int    `json:"totalCoreCount"`
			AgentVersion       string `json:"agentVersion"`
		} `json:"properties"`
	}
	if err := e.showCluster(&c); err != nil {
		return err
	}
	p := c.Properties
	if p.ConnectivityStatus != connectivity || p.TotalNodeCount != nodes || p.TotalCoreCount < cores ||
		!strings.HasPrefix(p.KubernetesVersion, "1.37") && !strings.HasPrefix(p.KubernetesVersion, "v1.37") || p.AgentVersion == "" {
		return fmt.Errorf("want %s, %d nodes, >= %d cores, Kubernetes 1.37, an agent version; hub shows %+v", connectivity, nodes, cores, p)
	}
	return nil
}

// expectConnected checks the status of the ArcConnection's Connected condition in the cluster.
func (e *env) expectConnected(status string) error {
	out, err := e.kubectlRun("", "get", "arcconnection", "default", "-o",
		`jsonpath={.status.conditions[?(@.type=="Connected")].status}`)
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	if strings.TrimSpace(out) != status {
		return fmt.Errorf("condition Connected is %q, want %q", out, status)
	}
	return nil
}

func (e *env) kubectlOK(stdin string, args ...string) {
	e.t.Helper()
	if out, err := e.kubectlRun(stdin, args...); err != nil {
		e.t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (e *env) disconnect() {
	e.t.Helper()
	e.arcctl("connectedk8s", "disconnect", "-n", cluster, "-g", group, "--kubeconfig", e.kube, "--yes")
	if _, err := os.Stat(e.agentPIDFile()); err == nil {
		e.t.Error("the local agent's pid file is still there after disconnect")
	}
	out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "connectedk8s", "show", "-n", cluster, "-g", group)
	if err == nil || !strings.Contains(out, "ResourceNotFound") && !strings.Contains(out, "not found") {
		e.t.Errorf("the hub still shows the cluster after disconnect: %v\n%s", err, out)
	}
	out, _ = e.kubectlRun("", "get", "namespace", "kubearc-system", "-o", "jsonpath={.metadata.deletionTimestamp}")
	if strings.TrimSpace(out) == "" && !strings.Contains(out, "NotFound") {
		e.t.Errorf("namespace kubearc-system is not being deleted: %q", out)
	}
}

func nodeManifest(name string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Node
metadata:
  name: %s
  labels: {kubernetes.io/hostname: %s}
`, name, name)
}
