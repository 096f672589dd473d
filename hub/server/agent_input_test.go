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
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/agentapi"
	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestBadHeartbeatsAreRefused: every field of a heartbeat is checked; a bad one is a 400
// naming the field, and the cluster keeps showing the last good heartbeat.
func TestBadHeartbeatsAreRefused(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	good := protocol.Heartbeat{KubernetesVersion: "v1.37.2", NodeCount: 3, CoreCount: 12, AgentVersion: "0.1.0", Distribution: "k3s"}
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", good); r.status != http.StatusOK {
		t.Fatalf("a good heartbeat: %d %s", r.status, r.raw)
	}
	tests := []struct {
		name, body, field string
	}{
		{"a 2 MB kubernetesVersion", `{"kubernetesVersion":"` + strings.Repeat("9", 2<<20) + `"}`, "kubernetesVersion"},
		{"a negative node count", `{"nodeCount":-3}`, "nodeCount"},
		{"a negative core count", `{"coreCount":-12}`, "coreCount"},
		{"control characters", `{"distribution":"k3s\u001b[2J\r\n"}`, "distribution"},
		{"a 200-character distribution", `{"distribution":"` + strings.Repeat("d", 200) + `"}`, "distribution"},
		{"markup in infrastructure", `{"infrastructure":"<img src=x>"}`, "infrastructure"},
		{"a terabyte agent", `{"agentMemoryBytes":2199023255552}`, "agentMemoryBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", tt.body)
			if r.status != http.StatusBadRequest || r.body["code"] != "InvalidHeartbeat" || !strings.Contains(r.raw, tt.field) {
				t.Fatalf("%d %.300s, want 400 InvalidHeartbeat naming %s", r.status, r.raw, tt.field)
			}
			if len(r.raw) > 1000 {
				t.Fatalf("the answer quotes the value: %d bytes", len(r.raw))
			}
		})
	}
	p := th.do(http.MethodGet, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil).props()
	if p["kubernetesVersion"] != "v1.37.2" || p["totalNodeCount"] != float64(3) || p["distribution"] != "k3s" {
		t.Fatalf("the cluster after refused heartbeats: %v", p)
	}
}

// TestAnOversizedReportIs413 checks the configurable size limit of a report.
func TestAnOversizedReportIs413(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.AgentLimits.MaxReportBytes = 64 << 10 }})
	agent, _ := th.agent("c1")
	big := `{"items":[{"kind":"Extension","name":"x","status":{"message":"` + strings.Repeat("m", 70<<10) + `"}}]}`
	if r := th.send(agent, http.MethodPost, protocol.PathStatus, "", big); r.status != http.StatusRequestEntityTooLarge || r.body["code"] != "RequestBodyTooLarge" {
		t.Fatalf("a 70 KiB report over a 64 KiB limit: %d %.300s", r.status, r.raw)
	}
}

// TestBadStatusReportsAreRefused: a report with one bad item is refused whole with a 400
// naming the item and field, and nothing of it is stored.
func TestBadStatusReportsAreRefused(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.AgentLimits.MaxStatusItems = 10 }})
	agent, _ := th.agent("c1")
	good := `{"kind":"Extension","name":"fine","observedResourceVersion":"1","status":{"provisioningState":"Succeeded"}}`
	tests := []struct {
		name, item, field string
	}{
		{"a name with a slash", `{"kind":"Extension","name":"ev/il"}`, "items[1].name"},
		{"a name with a newline", `{"kind":"Extension","name":"a\nb"}`, "items[1].name"},
		{"a 2 MB name", `{"kind":"Extension","name":"` + strings.Repeat("a", 2<<20) + `"}`, "items[1].name"},
		{"a version that is not a number", `{"kind":"Extension","name":"x","observedResourceVersion":"latest"}`, "items[1].observedResourceVersion"},
		{"a status that is a string", `{"kind":"Extension","name":"x","status":"ok"}`, "items[1].status"},
		{"a control character in a message", `{"kind":"Extension","name":"x","status":{"message":"\u0007"}}`, "items[1].status.message"},
		{"an unknown provisioning state", `{"kind":"Extension","name":"x","status":{"provisioningState":"Owned"}}`, "items[1].status.provisioningState"},
		{"an unknown compliance state", `{"kind":"GitOpsConfiguration","name":"x","status":{"complianceState":"Yes"}}`, "items[1].status.complianceState"},
		{"an oversized status", `{"kind":"Extension","name":"x","status":{"message":"` + strings.Repeat("m", protocol.MaxStatusString+1) + `"}}`, "items[1].status.message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.send(agent, http.MethodPost, protocol.PathStatus, "", `{"items":[`+good+`,`+tt.item+`]}`)
			if r.status != http.StatusBadRequest || r.body["code"] != "InvalidStatus" || !strings.Contains(fmt.Sprint(r.body["message"]), tt.field+" must be") {
				t.Fatalf("%d %.300s, want 400 InvalidStatus naming %s", r.status, r.raw, tt.field)
			}
		})
	}
	items := strings.TrimSuffix(strings.Repeat(good+",", 11), ",")
	if r := th.send(agent, http.MethodPost, protocol.PathStatus, "", `{"items":[`+items+`]}`); r.status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(r.body["message"]), "at most 10 statuses") {
		t.Fatalf("11 statuses over a limit of 10: %d %.300s", r.status, r.raw)
	}
	if got, err := th.Store().ListStatuses(t.Context(), clusterPath(sub, rg, "c1")); err != nil || len(got) != 0 {
		t.Fatalf("refused reports stored %d statuses (%v)", len(got), err)
	}
}

// clusterOwned is a report of n extensions created in the cluster, named prefix-0…
func clusterOwned(prefix string, n int, state string) protocol.StatusReport {
	var report protocol.StatusReport
	for i := range n {
		status, _ := json.Marshal(protocol.ExtensionStatus{ProvisioningState: state, ExtensionType: "microsoft.flux", Scope: "cluster", Namespace: "flux-system"})
		report.Items = append(report.Items, protocol.ObjectStatus{Kind: protocol.KindExtension, Name: fmt.Sprintf("%s-%d", prefix, i), Status: status})
	}
	return report
}

// TestClusterOwnedObjectsAreCapped: one cluster cannot fabricate more cluster-owned objects
// than the limit, and its refused report changes nothing of another cluster.
func TestClusterOwnedObjectsAreCapped(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.AgentLimits.MaxClusterOwned = 5 }})
	agentA, _ := th.agent("a")
	agentB, _ := th.agent("b")
	extensions := func(cluster string) []any {
		list := th.do(http.MethodGet, clusterPath(sub, rg, cluster)+"/providers/Microsoft.KubernetesConfiguration/extensions"+apiExt, th.AdminToken, nil)
		v, _ := list.body["value"].([]any)
		return v
	}
	if r := th.send(agentB, http.MethodPost, protocol.PathStatus, "", clusterOwned("b", 2, protocol.ProvisioningSucceeded)); r.status != http.StatusNoContent {
		t.Fatalf("cluster b's report: %d %s", r.status, r.raw)
	}
	r := th.send(agentA, http.MethodPost, protocol.PathStatus, "", clusterOwned("fake", 1000, protocol.ProvisioningSucceeded))
	if r.status != http.StatusBadRequest || r.body["code"] != "TooManyClusterOwnedObjects" {
		t.Fatalf("1000 fabricated extensions: %d %.300s, want 400 TooManyClusterOwnedObjects", r.status, r.raw)
	}
	if n := len(extensions("a")); n != 0 {
		t.Fatalf("the refused report created %d extensions", n)
	}
	if r := th.send(agentA, http.MethodPost, protocol.PathStatus, "", clusterOwned("real", 5, protocol.ProvisioningSucceeded)); r.status != http.StatusNoContent {
		t.Fatalf("5 cluster-owned extensions, the limit: %d %s", r.status, r.raw)
	}
	if r := th.send(agentA, http.MethodPost, protocol.PathStatus, "", clusterOwned("more", 1, protocol.ProvisioningSucceeded)); r.status != http.StatusBadRequest {
		t.Fatalf("a sixth: %d %s, want 400", r.status, r.raw)
	}
	// An uninstalled one frees its place.
	if r := th.send(agentA, http.MethodPost, protocol.PathStatus, "", clusterOwned("real", 1, protocol.ProvisioningDeleted)); r.status != http.StatusNoContent {
		t.Fatalf("reporting one uninstalled: %d %s", r.status, r.raw)
	}
	if r := th.send(agentA, http.MethodPost, protocol.PathStatus, "", clusterOwned("more", 1, protocol.ProvisioningSucceeded)); r.status != http.StatusNoContent {
		t.Fatalf("a new one after one was uninstalled: %d %s", r.status, r.raw)
	}
	if n := len(extensions("b")); n != 2 {
		t.Fatalf("cluster b shows %d extensions, want its own 2", n)
	}
	if r := th.send(agentB, http.MethodPost, protocol.PathStatus, "", clusterOwned("b2", 3, protocol.ProvisioningSucceeded)); r.status != http.StatusNoContent {
		t.Fatalf("cluster b within its own limit after a's were refused: %d %s", r.status, r.raw)
	}
}

// TestAgentLimitsHaveDefaults: a zero Config takes agentapi's defaults.
func TestAgentLimitsHaveDefaults(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	if r := th.send(agent, http.MethodPost, protocol.PathStatus, "", clusterOwned("x", agentapi.DefaultMaxClusterOwned+1, "")); r.status != http.StatusBadRequest {
		t.Fatalf("%d cluster-owned objects: %d %.300s, want 400", agentapi.DefaultMaxClusterOwned+1, r.status, r.raw)
	}
}

// fabricated is a report of n extensions named prefix-0…: hub-owned ones (with an
// observedResourceVersion) the cluster was never asked to run, or, with state Deleted,
// cluster-owned ones reported removed.
func fabricated(prefix string, n int, state string) protocol.StatusReport {
	report := clusterOwned(prefix, n, state)
	for i := range report.Items {
		if state != protocol.ProvisioningDeleted {
			report.Items[i].ObservedResourceVersion = fmt.Sprint(i + 1)
		}
	}
	return report
}

// TestStatusesOfOneClusterAreBounded: statuses of hub-owned objects the cluster does not
// run, and of removed objects, are not kept, so reports cannot grow the store; the
// legitimate protocol still works: a desired extension's status is kept and shown, and
// its Deleted status ends its deletion and leaves nothing stored.
func TestStatusesOfOneClusterAreBounded(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.AgentLimits.MaxClusterOwned = 5 }})
	agent, _ := th.agent("a")
	th.do(http.MethodPut, extensionPath("a", "flux")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
	obj, _ := th.desiredExtension(agent, "flux")
	for i := range 5 {
		for _, state := range []string{protocol.ProvisioningSucceeded, protocol.ProvisioningDeleted} {
			r := th.send(agent, http.MethodPost, protocol.PathStatus, "", fabricated(fmt.Sprint("r", i), protocol.MaxReportItems, state))
			if r.status != http.StatusNoContent {
				t.Fatalf("report %d of %d %s objects: %d %.300s", i, protocol.MaxReportItems, state, r.status, r.raw)
			}
		}
	}
	th.report(agent, "flux", obj.ResourceVersion, protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded})
	wantStored(t, th, "a", "flux")
	if p := testingProps(t, th.do(http.MethodGet, extensionPath("a", "flux")+apiExt, th.AdminToken, nil)); p["provisioningState"] != "Succeeded" {
		t.Errorf("the desired extension after its status: %v, want Succeeded", p["provisioningState"])
	}
	if r := th.do(http.MethodDelete, extensionPath("a", "flux")+apiExt, th.AdminToken, nil); r.status >= 300 {
		t.Fatalf("deleting the extension: %d %s", r.status, r.raw)
	}
	th.report(agent, "flux", obj.ResourceVersion, protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningDeleted})
	if r := th.do(http.MethodGet, extensionPath("a", "flux")+apiExt, th.AdminToken, nil); r.status != http.StatusNotFound {
		t.Errorf("the extension after the agent reported it removed: %d %.300s, want 404", r.status, r.raw)
	}
	wantStored(t, th, "a")
}

// TestStatusesPerClusterAreCapped: the statuses a cluster keeps are bounded as a whole too.
func TestStatusesPerClusterAreCapped(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.AgentLimits.MaxStatuses = 3 }})
	agent, _ := th.agent("a")
	r := th.send(agent, http.MethodPost, protocol.PathStatus, "", clusterOwned("x", 4, protocol.ProvisioningSucceeded))
	if r.status != http.StatusBadRequest || r.body["code"] != "TooManyStatuses" {
		t.Fatalf("4 statuses over a limit of 3: %d %.300s, want 400 TooManyStatuses", r.status, r.raw)
	}
	wantStored(t, th, "a")
}

// wantStored checks the names of the statuses the hub keeps of a cluster.
func wantStored(t *testing.T, th *testHub, cluster string, names ...string) {
	t.Helper()
	stored, err := th.Store().ListStatuses(t.Context(), clusterPath(sub, rg, cluster))
	got := make([]string, len(stored))
	for i, s := range stored {
		got[i] = s.Name
	}
	if err != nil || !slices.Equal(got, names) {
		t.Errorf("stored statuses of %s = %v, %v; want %v", cluster, got, err, names)
	}
}
