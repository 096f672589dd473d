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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// failingNamespace is a namespace the fake agent cannot make a location on.
const failingNamespace = "taken"

// startLocationHub starts a hub with hubtest.CustomLocationCatalog, like startHub.
func startLocationHub(t *testing.T) *testHub {
	t.Helper()
	file := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(file, []byte(hubtest.CustomLocationCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	hub, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: t.TempDir(), Configure: func(cfg *server.Config) {
		cfg.OfflineAfter, cfg.FlushInterval, cfg.PageSize = 5*time.Minute, time.Hour, testPageSize
		cfg.ShutdownTimeout, cfg.CatalogFile = 5*time.Second, file
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := hub.Stop(); err != nil {
			t.Error(err)
		}
	})
	return &testHub{t: t, Hub: hub}
}

// locationAgent plays the custom-location side of the agent of store-042, beside fakeAgent
// (which installs extensions): it reports each new CustomLocation spec Succeeded, or Failed
// on failingNamespace, and each location that left the desired state Deleted.
type locationAgent struct {
	agent   *fakeAgent
	mu      sync.Mutex
	reports fakeReports[protocol.CustomLocationSpec]
}

// startLocationAgent runs a locationAgent until the test ends.
func startLocationAgent(t *testing.T, agent *fakeAgent) *locationAgent {
	l := &locationAgent{agent: agent, reports: fakeReports[protocol.CustomLocationSpec]{kind: protocol.KindCustomLocation,
		reported: map[string]string{}, specs: map[string]protocol.CustomLocationSpec{}, status: locationReport,
		deleted: protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningDeleted}}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := l.sync(ctx); err != nil && ctx.Err() == nil {
				t.Errorf("fake agent: custom locations: %v", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

func (l *locationAgent) sync(ctx context.Context) error {
	state, err := l.agent.hub.DesiredState(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	report, err := l.reports.of(state)
	if err != nil || len(report) == 0 {
		return err
	}
	return l.agent.hub.ReportStatus(ctx, report)
}

// spec is the last spec the agent received for the location id.
func (l *locationAgent) spec(id string) (protocol.CustomLocationSpec, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.reports.specs[protocol.CustomLocationName(id)]
	return s, ok
}

func locationReport(obj protocol.DesiredObject, spec protocol.CustomLocationSpec) protocol.ObjectStatus {
	st := protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningSucceeded, Namespace: spec.Namespace}
	for _, role := range spec.ClusterRoles {
		st.RoleBindings = append(st.RoleBindings, "kubearc-custom-location-"+role)
	}
	if spec.Namespace == failingNamespace {
		st = protocol.CustomLocationStatus{ProvisioningState: protocol.ProvisioningFailed, Namespace: spec.Namespace,
			ErrorMessage: "namespace taken is held by the custom location other (NamespaceInUse)"}
	}
	raw, _ := json.Marshal(st)
	return protocol.ObjectStatus{Kind: protocol.KindCustomLocation, Name: obj.Name, ObservedResourceVersion: obj.ResourceVersion, Status: raw}
}

// heartbeat sends a heartbeat of store-042's agent with features on.
func (a *fakeAgent) heartbeat(features ...string) {
	a.t.Helper()
	if _, err := a.hub.Heartbeat(a.t.Context(), protocol.Heartbeat{Features: features}); err != nil {
		a.t.Fatal(err)
	}
}

func locationID(group, name string) string {
	return "/subscriptions/" + testSub + "/resourceGroups/" + group + "/providers/Microsoft.ExtendedLocation/customLocations/" + name
}

func extensionID(name string) string {
	return clusterPath(testGroup, "store-042") + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name
}

// locationHubWithExtensions is a hub whose store-042 has the extensions samples and plain,
// its agent's features on, with a user logged in as the admin.
func locationHubWithExtensions(t *testing.T) *user {
	t.Helper()
	h := startLocationHub(t)
	agent := h.startClusterWithAgent()
	startLocationAgent(t, agent)
	u := newUser(t)
	u.login(h, h.AdminToken)
	for _, ext := range []struct{ name, typ string }{{"samples", "kubearc.samples"}, {"plain", "plain"}} {
		u.mustRun("k8s-extension", "create", "-c", "store-042", "-g", testGroup, "-n", ext.name, "--extension-type", ext.typ)
	}
	agent.heartbeat(protocol.FeatureClusterConnect, protocol.FeatureCustomLocations)
	return u
}

func TestCustomLocationCommandsAgainstTheHub(t *testing.T) {
	h := startLocationHub(t)
	agent := h.startClusterWithAgent()
	locations := startLocationAgent(t, agent)
	u := newUser(t)
	u.login(h, h.AdminToken)
	u.mustRun("k8s-extension", "create", "-c", "store-042", "-g", testGroup, "-n", "samples", "--extension-type", "kubearc.samples")
	create := slices.Concat([]string{"customlocation", "create", "-n", "apps", "-g", testGroup}, []string{"--host-resource-id",
		clusterPath(testGroup, "store-042"), "--namespace", "apps", "--cluster-extension-ids", extensionID("samples"), "--timeout", "20s"})
	id := locationID(testGroup, "apps")

	agent.heartbeat(protocol.FeatureClusterConnect)
	r := u.run(create...)
	wantFailure(t, r, "does not have the custom-locations feature enabled",
		"arcctl connectedk8s enable-features -n store-042 -g "+testGroup+" --features cluster-connect custom-locations")
	if status, _ := h.get(id + "?api-version=2021-08-15"); status != 404 {
		t.Errorf("the refused location exists on the hub: GET answers %d", status)
	}

	agent.heartbeat(protocol.FeatureClusterConnect, protocol.FeatureCustomLocations)
	r = u.run(append(create, "--display-name", "Apps", "--tags", "team=edge")...)
	if r.code != 0 {
		t.Fatalf("create with the feature on:\n%s", r)
	}
	wantLines(t, r.stdout, `^Name:\s+apps$`, `^Namespace:\s+apps$`, `^Provisioning state:\s+Succeeded$`, `^Display name:\s+Apps$`,
		`^Host cluster:\s+`+clusterPath(testGroup, "store-042")+`$`, `^Cluster extensions:\s+`+extensionID("samples")+`$`, `^Tags:\s+team=edge$`)
	if spec, ok := locations.spec(id); !ok || spec.Namespace != "apps" || !slices.Equal(spec.ClusterRoles, []string{"samples-operator"}) {
		t.Errorf("the agent received %+v (%v), want namespace apps with ClusterRole samples-operator", spec, ok)
	}

	shown := decodeJSON[map[string]any](t, u.mustRun("customlocation", "show", "-n", "apps", "-g", testGroup, "-o", "json"))
	props, _ := shown["properties"].(map[string]any)
	if !strings.EqualFold(shown["id"].(string), id) || props["provisioningState"] != "Succeeded" || props["hostType"] != "Kubernetes" {
		t.Errorf("show -o json = %v", shown)
	}
	if _, leaked := props["authentication"]; leaked {
		t.Errorf("show answers authentication: %v", props)
	}

	wantLines(t, u.mustRun("customlocation", "list", "-g", testGroup), `^NAME\s+NAMESPACE\s+HOST CLUSTER\s+EXTENSIONS\s+STATE$`,
		`^apps\s+apps\s+store-042\s+1\s+Succeeded$`)
	wantLines(t, u.mustRun("customlocation", "list"), `^apps\s+apps\s+store-042\s+1\s+Succeeded$`)
	if r := u.run("customlocation", "list", "-g", "elsewhere"); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No custom locations found.") {
		t.Errorf("list of an empty group:\n%s", r)
	}

	wantLines(t, u.mustRun("customlocation", "list-enabled-resource-types", "-n", "apps", "-g", testGroup),
		`^RESOURCE TYPE\s+API VERSION\s+EXTENSION TYPE\s+EXTENSION$`, `^Microsoft\.KubearcSamples/widgets\s+v1alpha1\s+kubearc\.samples\s+samples$`)

	wantLines(t, u.mustRun("customlocation", "patch", "-n", "apps", "-g", testGroup, "--display-name", "Apps of store 42"),
		`^Display name:\s+Apps of store 42$`, `^Tags:\s+team=edge$`, `^Provisioning state:\s+Succeeded$`)

	r = u.run("customlocation", "delete", "-n", "apps", "-g", testGroup, "--yes")
	if r.code != 0 {
		t.Fatalf("delete:\n%s", r)
	}
	wantFailure(t, u.run("customlocation", "show", "-n", "apps", "-g", testGroup), "ResourceNotFound")
	if _, ok := locations.spec(id); !ok {
		t.Error("the agent never saw the location")
	}
}

func TestCustomLocationFailuresReachTheUser(t *testing.T) {
	u := locationHubWithExtensions(t)
	host := clusterPath(testGroup, "store-042")
	create := func(name string, args ...string) result {
		return u.run(append([]string{"customlocation", "create", "-n", name, "-g", testGroup, "--host-resource-id", host, "--timeout", "20s"}, args...)...)
	}

	wantFailure(t, create("ghost", "--namespace", "ghost", "--cluster-extension-ids", extensionID("missing")),
		extensionID("missing"), "does not exist", "arcctl k8s-extension create")
	wantFailure(t, create("-bad", "--namespace", "apps", "--cluster-extension-ids", extensionID("samples")), "-bad")
	wantFailure(t, create("nohost", "--namespace", "x", "--cluster-extension-ids", extensionID("samples"), "--host-resource-id",
		clusterPath(testGroup, "store-404")), "store-404")

	// A location whose extensions serve nothing lists no types, and says why.
	if r := create("plain", "--namespace", "plain", "--cluster-extension-ids", extensionID("plain")); r.code != 0 {
		t.Fatalf("create with the plain extension:\n%s", r)
	}
	r := u.run("customlocation", "list-enabled-resource-types", "-n", "plain", "-g", testGroup)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "has no enabled resource types") {
		t.Errorf("list-enabled-resource-types of a location serving nothing:\n%s", r)
	}
	wantFailure(t, u.run("customlocation", "show", "-n", "nowhere", "-g", testGroup), "ResourceNotFound")
}

// TestCustomLocationCreateShowsTheAgentsReason: when the agent cannot make the namespace or
// its bindings, create fails with what the agent said, not only "Failed".
func TestCustomLocationCreateShowsTheAgentsReason(t *testing.T) {
	u := locationHubWithExtensions(t)
	r := u.run("customlocation", "create", "-n", "taken", "-g", testGroup, "--host-resource-id", clusterPath(testGroup, "store-042"),
		"--namespace", failingNamespace, "--cluster-extension-ids", extensionID("samples"), "--timeout", "20s")
	wantFailure(t, r, "Failed", "namespace taken is held by the custom location other (NamespaceInUse)")
}
