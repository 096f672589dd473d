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

package arcctl_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// showJSON returns a cluster as 'show -o json' prints it.
func showJSON(t *testing.T, u *user, name string) map[string]any {
	t.Helper()
	var c map[string]any
	out := u.mustRun("connectedk8s", "show", "-n", name, "-g", testGroup, "-o", "json")
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("show -o json is not JSON: %v\n%s", err, out)
	}
	return c
}

func TestListAndShow(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	u := newUser(t)
	u.login(h, h.AdminToken)

	table := u.mustRun("connectedk8s", "list")
	wantLines(t, table,
		`^NAME\s+RESOURCE GROUP\s+LOCATION\s+CONNECTIVITY\s+KUBERNETES\s+NODES\s+AGENT$`,
		`^store-042\s+edge-eu\s+westeurope\s+Connecting\s+-\s+-\s+-$`)

	var list []map[string]any
	if err := json.Unmarshal([]byte(u.mustRun("connectedk8s", "list", "-o", "json")), &list); err != nil {
		t.Fatalf("list -o json is not a JSON array: %v", err)
	}
	if len(list) != 1 || list[0]["id"] != clusterPath(testGroup, "store-042") {
		t.Errorf("list -o json = %v, want the one cluster", list)
	}

	var fromYAML map[string]any
	if err := yaml.Unmarshal([]byte(u.mustRun("connectedk8s", "show", "-n", "store-042", "-g", testGroup, "-o", "yaml")), &fromYAML); err != nil {
		t.Fatalf("show -o yaml is not YAML: %v", err)
	}
	if props, _ := fromYAML["properties"].(map[string]any); props["distribution"] != "k3s" || props["agentPublicKeyCertificate"] == nil {
		t.Errorf("show -o yaml properties = %v, want the hub's document", props)
	}

	wantLines(t, u.mustRun("connectedk8s", "show", "-n", "store-042", "-g", testGroup),
		`^Name:\s+store-042$`, `^Resource group:\s+edge-eu$`, `^Location:\s+westeurope$`,
		`^Connectivity:\s+Connecting$`, `^Provisioning state:\s+Succeeded$`, `^Distribution:\s+k3s$`,
		`^Infrastructure:\s+bare_metal$`, `^Tags:\s+env=test$`, `^Identity:\s+SystemAssigned \(principal \S+\)$`,
		`^Created:\s+\S+ by admin$`)
}

func TestShowMissingCluster(t *testing.T) {
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)
	r := u.run("connectedk8s", "show", "-n", "nope", "-g", testGroup)
	wantFailure(t, r, "Error: (ResourceNotFound) The Resource 'Microsoft.Kubernetes/connectedClusters' under resource id '"+
		clusterPath(testGroup, "nope")+"' was not found.\n")
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	wantFailure(t, u.run("connectedk8s", "show", "-n", "-bad-", "-g", testGroup), `Error: cluster name "-bad-" must be`)
	wantFailure(t, u.run("connectedk8s", "show", "-n", "x"), `Error: required flag(s) "resource-group" not set`)
}

func TestUpdate(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	u := newUser(t)
	u.login(h, h.AdminToken)

	out := u.mustRun("connectedk8s", "update", "-n", "store-042", "-g", testGroup, "--tags", "env=prod,team=retail", "--auto-upgrade=false")
	wantLines(t, out, `^Tags:\s+env=prod, team=retail$`, `^Agent auto-upgrade:\s+Disabled$`)

	c := showJSON(t, u, "store-042")
	if tags, _ := c["tags"].(map[string]any); len(tags) != 2 || tags["env"] != "prod" || tags["team"] != "retail" {
		t.Errorf("tags after update = %v, want env=prod, team=retail", c["tags"])
	}
	if got := agentProfile(c); got["agentAutoUpgrade"] != "Disabled" {
		t.Errorf("arcAgentProfile after --auto-upgrade=false = %v, want agentAutoUpgrade Disabled", got)
	}

	// Setting the version alone must not turn auto-upgrade back on, nor touch the tags.
	u.mustRun("connectedk8s", "update", "-n", "store-042", "-g", testGroup, "--agent-version", "1.21.0",
		"--distribution", "rke2", "--infrastructure", "vsphere")
	c = showJSON(t, u, "store-042")
	if got := agentProfile(c); got["agentAutoUpgrade"] != "Disabled" || got["desiredAgentVersion"] != "1.21.0" {
		t.Errorf("arcAgentProfile after --agent-version = %v, want Disabled and 1.21.0", got)
	}
	props, _ := c["properties"].(map[string]any)
	if props["distribution"] != "rke2" || props["infrastructure"] != "vsphere" {
		t.Errorf("distribution, infrastructure = %v, %v, want rke2, vsphere", props["distribution"], props["infrastructure"])
	}
	if tags, _ := c["tags"].(map[string]any); len(tags) != 2 {
		t.Errorf("tags after an update without --tags = %v, want them kept", c["tags"])
	}

	u.mustRun("connectedk8s", "update", "-n", "store-042", "-g", testGroup, "--tags", "")
	if c = showJSON(t, u, "store-042"); c["tags"] != nil && len(c["tags"].(map[string]any)) != 0 {
		t.Errorf(`tags after --tags "" = %v, want none`, c["tags"])
	}
}

func TestUpdateLogLevel(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-043")
	u := newUser(t)
	u.login(h, h.AdminToken)
	update := func(args ...string) string {
		return u.mustRun(append([]string{"connectedk8s", "update", "-n", "store-043", "-g", testGroup}, args...)...)
	}

	out := update("--auto-upgrade=false", "--log-level", "debug")
	wantLines(t, out, `^Shipped log level:\s+debug$`)
	// Another field alone keeps the level; --log-level "" restores the agent's default.
	update("--agent-version", "1.21.0")
	if got := agentProfile(showJSON(t, u, "store-043")); got["logLevel"] != "debug" || got["agentAutoUpgrade"] != "Disabled" {
		t.Errorf("arcAgentProfile after --agent-version = %v, want logLevel debug kept", got)
	}
	update("--log-level", "")
	if got := agentProfile(showJSON(t, u, "store-043")); got["logLevel"] != nil || got["desiredAgentVersion"] != "1.21.0" {
		t.Errorf(`arcAgentProfile after --log-level "" = %v, want no logLevel and the version kept`, got)
	}
	wantFailure(t, u.run("connectedk8s", "update", "-n", "store-043", "-g", testGroup, "--log-level", "trace"),
		"Error: (InvalidParameter) The property 'properties.arcAgentProfile.logLevel' must be one of debug, info, warn or error")
}

func agentProfile(c map[string]any) map[string]any {
	props, _ := c["properties"].(map[string]any)
	p, _ := props["arcAgentProfile"].(map[string]any)
	return p
}

func TestUpdateErrors(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	u := newUser(t)
	u.login(h, h.AdminToken)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing to update", nil, "Error: nothing to update: pass at least one of --tags"},
		{"bad tag", []string{"--tags", "env"}, `Error: --tags: "env" must be key=value`},
		{"hub refuses the version", []string{"--agent-version", "latest"},
			"Error: (InvalidParameter) The property 'properties.arcAgentProfile.desiredAgentVersion' must be a version like 1.2.3, not 'latest'."},
		{"missing cluster", []string{"--tags", "a=b", "-n", "nope"}, "Error: (ResourceNotFound)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"connectedk8s", "update", "-n", "store-042", "-g", testGroup}, tc.args...)
			wantFailure(t, u.run(args...), tc.want)
		})
	}
}

func TestDelete(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	u := newUser(t)
	u.login(h, h.AdminToken)
	args := []string{"connectedk8s", "delete", "-n", "store-042", "-g", testGroup}

	wantFailure(t, u.run(args...), "Error: confirmation needed but stdin is not a terminal; pass --yes")
	r := u.runWithInput("n\n", true, args...)
	if r.code != 0 || !strings.Contains(r.stderr, "Delete connected cluster 'store-042' in resource group 'edge-eu'? (y/N)") ||
		!strings.Contains(r.stderr, "Cancelled") {
		t.Errorf("answering n: want the question and Cancelled\n%s", r)
	}
	if status, _ := h.get(clusterPath(testGroup, "store-042") + "?api-version=2024-01-01"); status != http.StatusOK {
		t.Fatalf("the cluster is gone although the deletion was not confirmed (GET %d)", status)
	}

	if out := u.mustRun(append(args, "--yes")...); out != "Deleted connected cluster 'store-042' in resource group 'edge-eu'.\n" {
		t.Errorf("delete --yes printed %q", out)
	}
	wantFailure(t, u.run("connectedk8s", "show", "-n", "store-042", "-g", testGroup), "Error: (ResourceNotFound)")
	if out := u.mustRun(append(args, "--yes")...); !strings.Contains(out, "does not exist; nothing to delete") {
		t.Errorf("deleting a deleted cluster printed %q", out)
	}

	h.createCluster(testGroup, "store-043")
	r = u.runWithInput("y\n", true, "connectedk8s", "delete", "-n", "store-043", "-g", testGroup)
	if r.code != 0 || !strings.Contains(r.stdout, "Deleted connected cluster 'store-043'") {
		t.Errorf("answering y: want the cluster deleted\n%s", r)
	}
}

// wantLines checks that every pattern matches some line of out.
func wantLines(t *testing.T, out string, patterns ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		found := false
		for _, l := range lines {
			found = found || re.MatchString(l)
		}
		if !found {
			t.Errorf("no line matches %s in:\n%s", p, out)
		}
	}
}
