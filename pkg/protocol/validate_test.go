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

package protocol

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestHeartbeatValidate(t *testing.T) {
	good := Heartbeat{KubernetesVersion: "v1.37.2+k3s1", NodeCount: 3, CoreCount: 12, AgentVersion: "0.1.0",
		Distribution: "k3s", Infrastructure: "bare_metal", AgentCPUMillicores: 4, AgentMemoryBytes: 41943040}
	tests := []struct {
		name  string
		edit  func(*Heartbeat)
		field string // empty: valid
	}{
		{"a real heartbeat", func(*Heartbeat) {}, ""},
		{"an empty heartbeat", func(h *Heartbeat) { *h = Heartbeat{} }, ""},
		{"a development agent", func(h *Heartbeat) { h.AgentVersion = "dev" }, ""},
		{"an unstamped Kubernetes build", func(h *Heartbeat) { h.KubernetesVersion = "v0.0.0-master+$Format:%H$" }, ""},
		{"a 2 MB kubernetesVersion", func(h *Heartbeat) { h.KubernetesVersion = strings.Repeat("1", 2<<20) }, "kubernetesVersion"},
		{"markup in kubernetesVersion", func(h *Heartbeat) { h.KubernetesVersion = "<script>" }, "kubernetesVersion"},
		{"a negative nodeCount", func(h *Heartbeat) { h.NodeCount = -1 }, "nodeCount"},
		{"a huge nodeCount", func(h *Heartbeat) { h.NodeCount = MaxNodeCount + 1 }, "nodeCount"},
		{"a negative coreCount", func(h *Heartbeat) { h.CoreCount = -5 }, "coreCount"},
		{"a control character in distribution", func(h *Heartbeat) { h.Distribution = "k3s\x1b[2J" }, "distribution"},
		{"a 200-character distribution", func(h *Heartbeat) { h.Distribution = strings.Repeat("d", 200) }, "distribution"},
		{"a newline in infrastructure", func(h *Heartbeat) { h.Infrastructure = "aws\nfake log line" }, "infrastructure"},
		{"spaces in agentVersion", func(h *Heartbeat) { h.AgentVersion = "1.0 beta" }, "agentVersion"},
		{"negative agent CPU", func(h *Heartbeat) { h.AgentCPUMillicores = -1 }, "agentCpuMillicores"},
		{"more memory than a node has", func(h *Heartbeat) { h.AgentMemoryBytes = MaxAgentMemoryBytes + 1 }, "agentMemoryBytes"},
		{"an unknown feature", func(h *Heartbeat) { h.Features = []string{FeatureCustomLocations, "<b>x</b>"} }, "features"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := good
			tt.edit(&hb)
			checkField(t, hb.Validate(), tt.field)
		})
	}
}

func TestStatusValidate(t *testing.T) {
	tests := []struct {
		name   string
		status ObjectStatus
		field  string // empty: valid
	}{
		{"a hub extension", ObjectStatus{Kind: KindExtension, Name: "flux", ObservedResourceVersion: "57",
			Status: raw(t, ExtensionStatus{ProvisioningState: ProvisioningSucceeded, InstalledVersion: "1.2.3", Message: "line one\nline two",
				Conditions: []Condition{{Type: "Ready", Status: "True", Reason: "Installed"}}})}, ""},
		{"a cluster-owned extension", ObjectStatus{Kind: KindExtension, Name: "my.local-ext",
			Status: raw(t, ExtensionStatus{ProvisioningState: ProvisioningInProgress, ExtensionType: "microsoft.flux", Scope: ScopeCluster, Namespace: "flux-system"})}, ""},
		{"a flux configuration", ObjectStatus{Kind: KindGitOpsConfiguration, Name: "cfg", ObservedResourceVersion: "3",
			Status: raw(t, GitOpsConfigurationStatus{ProvisioningState: ProvisioningSucceeded, ComplianceState: ComplianceNonCompliant,
				Statuses: []FluxObjectStatus{{Kind: "Kustomization", Name: "apps", ComplianceState: ComplianceCompliant}}})}, ""},
		{"a kind the hub does not know yet", ObjectStatus{Kind: "PolicySync", Name: "p", Status: json.RawMessage(`{"anything":[1,2]}`)}, ""},
		{"no status", ObjectStatus{Kind: KindExtension, Name: "x", Status: json.RawMessage(`null`)}, ""},
		{"a hub name in upper case, as ARM keeps it", ObjectStatus{Kind: KindGitOpsConfiguration, Name: "Fleet_1", ObservedResourceVersion: "4"}, ""},
		{"no kind", ObjectStatus{Name: "x"}, "kind"},
		{"a kind with a newline", ObjectStatus{Kind: "Extension\n", Name: "x"}, "kind"},
		{"no name", ObjectStatus{Kind: KindExtension}, "name"},
		{"a name with a slash", ObjectStatus{Kind: KindExtension, Name: "flux/x"}, "name"},
		{"a name ending in '-'", ObjectStatus{Kind: KindExtension, Name: "flux-"}, "name"},
		{"a 300-character name", ObjectStatus{Kind: KindExtension, Name: strings.Repeat("a", 300)}, "name"},
		{"a name with a control character", ObjectStatus{Kind: KindExtension, Name: "a\x00b"}, "name"},
		{"a version that is not a number", ObjectStatus{Kind: KindExtension, Name: "x", ObservedResourceVersion: "-1"}, "observedResourceVersion"},
		{"a status that is a list", ObjectStatus{Kind: KindExtension, Name: "x", Status: json.RawMessage(`[1]`)}, "status"},
		{"a control character deep in the status", ObjectStatus{Kind: "Other", Name: "x",
			Status: json.RawMessage(`{"a":{"b":["ok","bad\u001b[31m"]}}`)}, "status.a.b[1]"},
		{"a key with a control character", ObjectStatus{Kind: "Other", Name: "x", Status: json.RawMessage(`{"a\u0007":1}`)}, "status"},
		{"a string over the limit", ObjectStatus{Kind: KindExtension, Name: "x",
			Status: raw(t, ExtensionStatus{Message: strings.Repeat("m", MaxStatusString+1)})}, "status.message"},
		{"a payload over the limit", ObjectStatus{Kind: "Other", Name: "x",
			Status: raw(t, map[string][]string{"a": make([]string, MaxStatusBytes/2)})}, "status"},
		{"a payload nested too deep", ObjectStatus{Kind: "Other", Name: "x",
			Status: json.RawMessage(`{"a":` + strings.Repeat("[", MaxStatusDepth) + strings.Repeat("]", MaxStatusDepth) + `}`)}, "status.a" + strings.Repeat("[0]", MaxStatusDepth-1)},
		{"an unknown provisioning state", ObjectStatus{Kind: KindExtension, Name: "x",
			Status: json.RawMessage(`{"provisioningState":"Pwned"}`)}, "status.provisioningState"},
		{"a field of the wrong type", ObjectStatus{Kind: KindExtension, Name: "x",
			Status: json.RawMessage(`{"provisioningState":5}`)}, "status"},
		{"a cluster-owned extension in a bad namespace", ObjectStatus{Kind: KindExtension, Name: "x",
			Status: raw(t, ExtensionStatus{Namespace: "Not A Namespace"})}, "status.namespace"},
		{"a 200-character extension type", ObjectStatus{Kind: KindExtension, Name: "x",
			Status: raw(t, ExtensionStatus{ExtensionType: strings.Repeat("t", 200)})}, "status.installedVersion, extensionType and releaseTrain"},
		{"a negative helm revision", ObjectStatus{Kind: KindExtension, Name: "x", Status: json.RawMessage(`{"helmRevision":-1}`)}, "status.helmRevision"},
		{"a condition without status", ObjectStatus{Kind: KindExtension, Name: "x",
			Status: raw(t, ExtensionStatus{Conditions: []Condition{{Type: "Ready"}}})}, "status.conditions[0].status"},
		{"an unknown compliance state", ObjectStatus{Kind: KindGitOpsConfiguration, Name: "x",
			Status: raw(t, GitOpsConfigurationStatus{ComplianceState: "Compliant!"})}, "status.complianceState"},
		{"a flux object with an unknown compliance state", ObjectStatus{Kind: KindGitOpsConfiguration, Name: "x",
			Status: raw(t, GitOpsConfigurationStatus{Statuses: []FluxObjectStatus{{ComplianceState: "x"}}})}, "status.statuses[0].complianceState"},
		{"a cluster-owned flux configuration of a bad scope", ObjectStatus{Kind: KindGitOpsConfiguration, Name: "x",
			Status: raw(t, GitOpsConfigurationStatus{ClusterOwned: &GitOpsConfigurationSpec{Scope: "galaxy"}})}, "status.clusterOwned.scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkField(t, tt.status.Validate(), tt.field) })
	}
}

func TestStatusReportValidate(t *testing.T) {
	ok := ObjectStatus{Kind: KindExtension, Name: "x"}
	report := StatusReport{Items: []ObjectStatus{ok, ok, {Kind: KindExtension, Name: "b a d"}}}
	checkField(t, report.Validate(10), "items[2].name")
	report.Items = report.Items[:2]
	checkField(t, report.Validate(2), "")
	checkField(t, report.Validate(1), "items")
}

// checkField fails unless err is nil (field empty) or an InvalidFieldError for field.
func checkField(t *testing.T, err error, field string) {
	t.Helper()
	var invalid *InvalidFieldError
	switch {
	case field == "" && err != nil:
		t.Fatalf("want valid, got %v", err)
	case field == "":
	case !errors.As(err, &invalid):
		t.Fatalf("want an invalid %s, got %v", field, err)
	case invalid.Field != field:
		t.Fatalf("want the field %s named, got %q (%v)", field, invalid.Field, err)
	case len(err.Error()) > 300:
		t.Fatalf("the message is %d bytes long; it must not quote the value", len(err.Error()))
	}
}

func raw(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
