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
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// troubleshootCanary stands for a protected setting: no file of a bundle may hold it.
const troubleshootCanary = "e2e-canary-7b3f0a9d"

// TestTroubleshootBundle connects a cluster as the quickstart does and collects its
// troubleshoot bundle through the cluster-connect tunnel with `arcctl connectedk8s
// troubleshoot`, as the hub's admin whom the cluster lets read kubearc-system.
func TestTroubleshootBundle(t *testing.T) {
	e := newEnv(t)
	e.up()
	e.kubectlOK("", "create", "secret", "generic", "e2e-settings", "-n", "kubearc-system", "--from-literal=apiKey="+troubleshootCanary)
	e.kubectlOK("", "create", "configmap", "e2e-settings", "-n", "kubearc-system", "--from-literal=password="+troubleshootCanary)
	e.kubectlOK("", "create", "clusterrole", "e2e-troubleshoot", "--verb", "get,list",
		"--resource", "events,pods,pods/log,services,configmaps,secrets,deployments.apps,"+
			"arcconnections.arc.kubearc.io,extensions.arc.kubearc.io,gitopsconfigurations.arc.kubearc.io,"+
			"policysyncs.arc.kubearc.io,customlocations.arc.kubearc.io")
	e.kubectlOK("", "create", "clusterrolebinding", "e2e-troubleshoot", "--clusterrole", "e2e-troubleshoot", "--user", proxyUser)

	dir := filepath.Join(e.dir, "bundle")
	e.waitFor("a bundle holding the ArcConnection read through the tunnel", 2*time.Minute, func() error {
		archive := filepath.Join(e.dir, "bundle.tar.gz")
		e.arcctl("connectedk8s", "troubleshoot", "-n", cluster, "-g", group, "--output", archive)
		if err := extract(e, archive, dir); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, "cluster", "arc.kubearc.io", "arcconnections.json")); err != nil {
			return err
		}
		return networkChecksPassed(filepath.Join(dir, "hub", "connectivity-checks.json"))
	})
	for _, name := range []string{"summary.txt", "hub/connectedcluster.json", "hub/agent-logs.json", "hub/usage.json", "hub/connectivity-checks.json",
		"cluster/kubearc-system/deployments.json", "cluster/kubearc-system/secrets.json", "cluster/kubearc-system/configmaps.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the bundle lacks %s: %v", name, err)
		}
	}
	noCanaryUnder(t, dir)
}

// networkChecksPassed reads the agent's connectivity checks from a bundle's file: DNS, TCP
// and TLS must have passed.
func networkChecksPassed(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc struct {
		Checks []protocol.ConnectivityCheck `json:"checks"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	results := map[string]string{}
	for _, c := range doc.Checks {
		results[c.Name] = c.Result + ": " + c.Message
	}
	for _, name := range []string{protocol.CheckDNS, protocol.CheckTCP, protocol.CheckTLS} {
		if !strings.HasPrefix(results[name], protocol.CheckPassed+":") {
			return fmt.Errorf("the %s check is %q, want Passed (all: %v)", name, results[name], results)
		}
	}
	return nil
}

// extract unpacks archive into a fresh dir with the system's tar, as a user would.
func extract(e *env, archive, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := e.run(ctx, "", "tar", "-xzf", archive, "-C", dir); err != nil {
		return fmt.Errorf("tar: %w: %s", err, out)
	}
	return nil
}

// noCanaryUnder fails t for every file under dir that holds the canary.
func noCanaryUnder(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), troubleshootCanary) {
			t.Errorf("%s holds the canary", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
