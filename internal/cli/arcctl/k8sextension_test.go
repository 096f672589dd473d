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
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// fakeAgent plays a cluster's agent: it reads the hub's desired state and reports each new
// extension spec installed, or failed when its configurationSettings hold fail=true, and
// each extension that left the desired state uninstalled. While paused it reports nothing.
type fakeAgent struct {
	t        *testing.T
	hub      *agentclient.Client
	paused   atomic.Bool
	mu       sync.Mutex
	reported map[string]string // extension name → resourceVersion reported
	// specs are the specs the agent received, to check what the hub delivered.
	specs map[string]protocol.ExtensionSpec
}

// startClusterWithAgent creates the connected cluster store-042 in testGroup with a fresh
// agent key, registers the agent and runs it until the test ends.
func (h *testHub) startClusterWithAgent() *fakeAgent {
	h.t.Helper()
	hc := h.registerAgent()
	ctx, cancel := context.WithCancel(context.Background())
	a := &fakeAgent{t: h.t, hub: hc, reported: map[string]string{}, specs: map[string]protocol.ExtensionSpec{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.run(ctx)
	}()
	h.t.Cleanup(func() {
		cancel()
		<-done
	})
	return a
}

func (a *fakeAgent) run(ctx context.Context) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if !a.paused.Load() {
			if err := a.sync(ctx); err != nil && ctx.Err() == nil {
				a.t.Errorf("fake agent: %v", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sync reports what an agent would after acting on the desired state.
func (a *fakeAgent) sync(ctx context.Context) error {
	state, err := a.hub.DesiredState(ctx)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	report, err := fakeReports[protocol.ExtensionSpec]{kind: protocol.KindExtension, reported: a.reported, specs: a.specs, status: extensionReport,
		deleted: protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningDeleted, Message: "Helm release uninstalled"}}.of(state)
	if err != nil {
		return err
	}
	if len(report) == 0 {
		return nil
	}
	return a.hub.ReportStatus(ctx, report)
}

// extensionReport is the status of an installed spec, or of a failed one when it asks to fail.
func extensionReport(obj protocol.DesiredObject, spec protocol.ExtensionSpec) protocol.ObjectStatus {
	es := protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded, InstalledVersion: spec.Version, HelmRevision: 1,
		Message: fmt.Sprintf("Helm release %s/%s deployed, chart %s %s", spec.Namespace, obj.Name, spec.Chart.Name, spec.Chart.Version)}
	if spec.ConfigurationSettings["fail"] == "true" {
		es = protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningFailed,
			Message: fmt.Sprintf("installing chart %s %s: context deadline exceeded waiting for pods", spec.Chart.Name, spec.Chart.Version)}
	}
	st, _ := json.Marshal(es)
	return protocol.ObjectStatus{Kind: protocol.KindExtension, Name: obj.Name, ObservedResourceVersion: obj.ResourceVersion, Status: st}
}

// spec is the last spec the agent received for an extension.
func (a *fakeAgent) spec(name string) protocol.ExtensionSpec {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.specs[name]
}

// recorder runs arcctl for a user and keeps every output, to scan them for secrets.
type recorder struct {
	*user
	outputs []string
}

func (r *recorder) run(args ...string) result {
	r.t.Helper()
	res := r.user.run(args...)
	r.outputs = append(r.outputs, res.stdout, res.stderr)
	return res
}

func (r *recorder) mustRun(args ...string) result {
	r.t.Helper()
	res := r.run(args...)
	if res.code != 0 {
		r.t.Fatalf("arcctl %s failed:\n%s", strings.Join(args, " "), res)
	}
	return res
}

// wantNoSecrets fails when any output shows one of the secrets.
func (r *recorder) wantNoSecrets(secrets ...string) {
	r.t.Helper()
	for _, out := range r.outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				r.t.Errorf("an output of arcctl shows the protected value %q:\n%s", s, out)
			}
		}
	}
}

// ext is the common arguments naming extension name on cluster store-042.
func ext(verb, name string, args ...string) []string {
	return append([]string{"k8s-extension", verb, "-c", "store-042", "-g", testGroup, "-n", name}, args...)
}

func TestExtensionLifecycle(t *testing.T) {
	const canary, canaryFromFile = "canary-Zq81vX", "canary-from-file-Lp20"
	h := startHub(t)
	agent := h.startClusterWithAgent()
	u := &recorder{user: newUser(t)}
	u.login(h, h.AdminToken)
	protectedFile := writeFile(t, "protected.json", `{"webhook.secret": "`+canaryFromFile+`"}`)

	r := u.mustRun(ext("create", "gk", "--extension-type", "gatekeeper", "--version", "3.16.3", "--scope", "cluster",
		"--release-namespace", "gk-system", "--configuration-settings", "replicas=2", "audit.interval=60",
		"--configuration-protected-settings", "token="+canary, "--configuration-protected-settings-file", protectedFile)...)
	wantLines(t, r.stderr, `^Creating extension 'gk' on the hub… done$`, `^Waiting for the agent to install extension 'gk'…$`,
		`^Extension 'gk' is installed: version 3\.16\.3\.$`)
	wantLines(t, r.stdout, `^Name:\s+gk$`, `^Cluster:\s+store-042$`, `^Extension type:\s+gatekeeper$`,
		`^Provisioning state:\s+Succeeded$`, `^Current version:\s+3\.16\.3$`, `^Pinned version:\s+3\.16\.3$`,
		`^Auto-upgrade minor version:\s+false$`, `^Scope:\s+cluster$`, `^Release namespace:\s+gk-system$`,
		`^Configuration settings:\s+audit\.interval=60, replicas=2$`, `^Status:\s+.*Helm release gk-system/gk deployed`)
	spec := agent.spec("gk")
	if spec.ProtectedSettings == "" || strings.Contains(spec.ProtectedSettings, canary) {
		t.Errorf("the agent received protected settings %q, want them sealed", spec.ProtectedSettings)
	}

	var shown map[string]any
	if err := json.Unmarshal([]byte(u.mustRun(ext("show", "gk", "-o", "json")...).stdout), &shown); err != nil {
		t.Fatalf("show -o json is not JSON: %v", err)
	}
	props, _ := shown["properties"].(map[string]any)
	if props["provisioningState"] != "Succeeded" || props["currentVersion"] != "3.16.3" || props["extensionType"] != "gatekeeper" {
		t.Errorf("show -o json properties = %v", props)
	}
	if _, ok := props["configurationProtectedSettings"]; ok {
		t.Errorf("show -o json has configurationProtectedSettings: %v", props)
	}
	u.mustRun(ext("show", "gk", "-o", "yaml")...)

	wantLines(t, u.mustRun("k8s-extension", "list", "-c", "store-042", "-g", testGroup).stdout,
		`^NAME\s+TYPE\s+VERSION\s+RELEASE TRAIN\s+AUTO-UPGRADE\s+SCOPE\s+NAMESPACE\s+STATE$`,
		`^gk\s+gatekeeper\s+3\.16\.3\s+\S+\s+false\s+cluster\s+gk-system\s+Succeeded$`)

	removal := writeFile(t, "removal.json", `{"audit.interval": null}`)
	r = u.mustRun(ext("update", "gk", "--version", "3.17.1", "--configuration-settings", "replicas=3",
		"--configuration-settings-file", removal, "--configuration-protected-settings", "token="+canary+"-2")...)
	wantLines(t, r.stderr, `^Updating extension 'gk' on the hub… done$`, `^Extension 'gk' is installed: version 3\.17\.1\.$`)
	wantLines(t, r.stdout, `^Current version:\s+3\.17\.1$`, `^Configuration settings:\s+replicas=3$`)
	if got := agent.spec("gk"); got.Version != "3.17.1" || got.ConfigurationSettings["replicas"] != "3" || got.ConfigurationSettings["audit.interval"] != "" {
		t.Errorf("after the update the agent received version %s, settings %v", got.Version, got.ConfigurationSettings)
	}

	r = u.mustRun(ext("delete", "gk", "--yes")...)
	wantLines(t, r.stderr, `^Deleting extension 'gk' on the hub… done$`, `^Waiting for the agent to uninstall extension 'gk'…$`)
	if r.stdout != "Deleted extension 'gk' of connected cluster 'store-042' in resource group 'edge-eu'.\n" {
		t.Errorf("delete printed %q", r.stdout)
	}
	wantFailure(t, u.run(ext("show", "gk")...), "Error: (ResourceNotFound)")
	if out := u.mustRun(ext("delete", "gk", "--yes")...).stdout; !strings.Contains(out, "does not exist; nothing to delete") {
		t.Errorf("deleting a deleted extension printed %q", out)
	}
	if r := u.run("k8s-extension", "list", "-c", "store-042", "-g", testGroup); r.code != 0 || r.stdout != "" ||
		!strings.Contains(r.stderr, "Connected cluster 'store-042' has no extensions.") {
		t.Errorf("list of no extensions:\n%s", r)
	}
	u.wantNoSecrets(canary, canaryFromFile)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExtensionFailureAndBadInput(t *testing.T) {
	const canary = "canary-fail-Hh72"
	h := startHub(t)
	h.startClusterWithAgent()
	u := &recorder{user: newUser(t)}
	u.login(h, h.AdminToken)

	r := u.run(ext("create", "flux", "--extension-type", "flux", "--configuration-settings", "fail=true",
		"--configuration-protected-settings", "password="+canary)...)
	wantFailure(t, r, "Error: the agent could not install extension 'flux': (ExtensionOperationFailed) installing chart flux2")
	wantLines(t, r.stderr, `^  Failed: installing chart flux2`)

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown type", ext("create", "x", "--extension-type", "nginx", "--configuration-protected-settings", "k="+canary),
			"Error: (InvalidParameter) The property 'properties.extensionType' is invalid: The extension type 'nginx' is not in the hub's catalog. Valid extension types are: microsoft.flux, gatekeeper, kubearc.monitoring."},
		{"unknown train", ext("create", "x", "--extension-type", "flux", "--release-train", "Nightly"),
			"The release train 'Nightly' does not exist. Valid release trains are: Stable, Preview."},
		{"unknown version", ext("create", "x", "--extension-type", "flux", "--version", "9.9.9"),
			"The version '9.9.9' does not exist on release train 'Stable'. Valid versions are: "},
		{"other cluster types", ext("create", "x", "--extension-type", "flux", "--cluster-type", "managedClusters"),
			`Error: --cluster-type "managedClusters" is not supported: kubearc manages connectedClusters only`},
		{"missing cluster", []string{"k8s-extension", "list", "-c", "nope", "-g", testGroup}, "Error: (ResourceNotFound)"},
		{"delete needs --yes", ext("delete", "flux"), "Error: confirmation needed but stdin is not a terminal; pass --yes"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFailure(t, u.run(tc.args...), tc.want) })
	}
	u.wantNoSecrets(canary)
}

func TestExtensionNoWaitTimeoutAndForce(t *testing.T) {
	h := startHub(t)
	agent := h.startClusterWithAgent()
	agent.paused.Store(true)
	u := newUser(t)
	u.login(h, h.AdminToken)

	r := u.run(ext("create", "flux", "--extension-type", "flux", "--no-wait")...)
	if r.code != 0 || strings.Contains(r.stderr, "Waiting") {
		t.Fatalf("create --no-wait:\n%s", r)
	}
	wantLines(t, r.stdout, `^Provisioning state:\s+Creating$`)

	r = u.run(ext("create", "gk", "--extension-type", "gatekeeper", "--timeout", "1s")...)
	wantFailure(t, r, "Error: the agent did not install extension 'gk' within 1s: its provisioning state is Creating",
		"follow it with 'arcctl k8s-extension show -c store-042 -g edge-eu -n gk'")

	r = u.run(ext("delete", "gk", "--yes", "--force")...)
	if r.code != 0 || !strings.Contains(r.stdout, "Deleted extension 'gk'") {
		t.Fatalf("delete --force:\n%s", r)
	}
	wantFailure(t, u.run(ext("show", "gk")...), "Error: (ResourceNotFound)")

	// The agent comes back and installs flux; while it is away again, flux is deleted.
	agent.paused.Store(false)
	waitForState(t, u, "flux", "Succeeded")
	agent.paused.Store(true)
	r = u.run(ext("delete", "flux", "--yes", "--no-wait")...)
	if r.code != 0 || !strings.Contains(r.stdout, "is being deleted") || strings.Contains(r.stderr, "Waiting") {
		t.Fatalf("delete --no-wait:\n%s", r)
	}
	wantLines(t, u.mustRun(ext("show", "flux")...), `^Provisioning state:\s+Deleting$`)
	// The agent comes back while the delete waits: resumed first, it could finish the delete
	// before the command asks, and the command would find nothing to delete.
	resume := time.AfterFunc(time.Second, func() { agent.paused.Store(false) })
	defer resume.Stop()
	r = u.run(ext("delete", "flux", "--yes")...)
	if r.code != 0 || !strings.Contains(r.stdout, "Deleted extension 'flux'") {
		t.Fatalf("delete once the agent is back:\n%s", r)
	}
	wantFailure(t, u.run(ext("show", "flux")...), "Error: (ResourceNotFound)")
}

// waitForState polls 'show -o json' until the extension has the provisioning state. It
// bounds the wait only so that a broken hub fails the test instead of hanging it.
func waitForState(t *testing.T, u *user, name, state string) {
	t.Helper()
	got := ""
	for range 200 {
		var e struct {
			Properties struct {
				ProvisioningState string `json:"provisioningState"`
			} `json:"properties"`
		}
		_ = json.Unmarshal([]byte(u.mustRun(ext("show", name, "-o", "json")...)), &e)
		if got = e.Properties.ProvisioningState; got == state {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("extension %s stayed %s, want %s", name, got, state)
}

func TestExtensionTypes(t *testing.T) {
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)

	wantLines(t, u.mustRun("k8s-extension", "extension-types", "list"),
		`^NAME\s+ALIASES\s+SCOPE\s+NAMESPACE\s+RELEASE TRAINS\s+DESCRIPTION$`,
		`^gatekeeper\s+microsoft\.policyinsights,opa-gatekeeper\s+cluster\s+gatekeeper-system\s+Stable 3\.17\.1, Preview 3\.17\.1\s+Open Policy Agent`)
	var types []map[string]any
	if err := json.Unmarshal([]byte(u.mustRun("k8s-extension", "extension-types", "list", "-o", "json")), &types); err != nil || len(types) < 2 {
		t.Fatalf("extension-types list -o json = %v, %v; want the catalog's types", types, err)
	}

	out := u.mustRun("k8s-extension", "extension-types", "list-versions", "--extension-type", "opa-gatekeeper", "--release-train", "stable")
	wantLines(t, out, `^RELEASE TRAIN\s+VERSION\s+CHART$`,
		`^Stable\s+3\.17\.1\s+https://open-policy-agent\.github\.io/gatekeeper/charts gatekeeper 3\.17\.1$`, `^Stable\s+3\.15\.0\s+`)
	if strings.Contains(out, "Preview") {
		t.Errorf("--release-train stable shows other trains:\n%s", out)
	}
	wantFailure(t, u.run("k8s-extension", "extension-types", "list-versions", "--extension-type", "gatekeeper", "--release-train", "Nightly"),
		"Error: the release train 'Nightly' does not exist; valid release trains are: Stable, Preview")
	wantFailure(t, u.run("k8s-extension", "extension-types", "list-versions", "--extension-type", "nginx"),
		"Error: (ResourceNotFound) The extension type 'nginx' is not in the hub's catalog.")
}

func TestExtensionListOfSeveral(t *testing.T) {
	h := startHub(t)
	h.createCluster(testGroup, "store-042")
	u := newUser(t)
	u.login(h, h.AdminToken)
	for _, name := range []string{"a", "b", "c"} {
		u.mustRun(ext("create", name, "--extension-type", "flux", "--no-wait", "--scope", "namespace", "--target-namespace", "team-"+name)...)
	}
	// Paging through nextLinks is covered by armclient's tests: the hub answers one page.
	wantLines(t, u.mustRun("k8s-extension", "list", "-c", "store-042", "-g", testGroup),
		`^a\s+flux\s+-\s+Stable\s+true\s+namespace\s+team-a\s+Creating$`, `^b\s+flux\s+.*team-b\s+Creating$`, `^c\s+flux\s+.*team-c\s+Creating$`)
	var list []map[string]any
	if err := json.Unmarshal([]byte(u.mustRun("k8s-extension", "list", "-c", "store-042", "-g", testGroup, "-o", "json")), &list); err != nil || len(list) != 3 {
		t.Errorf("list -o json = %v, %v; want three extensions", list, err)
	}
}
