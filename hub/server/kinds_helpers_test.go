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

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Helpers for the nested kinds: their paths, and their desired objects and statuses as the
// cluster's agent sees and reports them.

const apiExt = "?api-version=2023-05-01"

// nestedPath is the path of the resource name of a kind (its ARM type) on a cluster.
func nestedPath(resourceType, cluster, name string) string {
	return clusterPath(sub, rg, cluster) + "/providers/" + resourceType + "/" + name
}

func extensionPath(cluster, name string) string {
	return nestedPath("Microsoft.KubernetesConfiguration/extensions", cluster, name)
}

func fluxPath(cluster, name string) string {
	return nestedPath("Microsoft.KubernetesConfiguration/fluxConfigurations", cluster, name)
}

// reportCurrent reports st as the agent's status of its current desired object kind/name.
func (th *testHub) reportCurrent(agent *http.Client, kind, name string, st any) {
	th.t.Helper()
	obj, _ := desiredObject[json.RawMessage](th, agent, kind, name)
	if obj == nil {
		th.t.Fatalf("the agent has no desired %s %s", kind, name)
	}
	th.reportStatus(agent, kind, name, obj.ResourceVersion, st)
}

// desiredExtension returns the agent's desired Extension object called name, or nil.
func (th *testHub) desiredExtension(agent *http.Client, name string) (*protocol.DesiredObject, *protocol.ExtensionSpec) {
	th.t.Helper()
	return desiredObject[protocol.ExtensionSpec](th, agent, protocol.KindExtension, name)
}

// report posts an extension status as the agent.
func (th *testHub) report(agent *http.Client, name, observedRV string, st protocol.ExtensionStatus) {
	th.t.Helper()
	th.reportStatus(agent, protocol.KindExtension, name, observedRV, st)
}

// installed reports the desired extension name as installed at its chart's version.
func (th *testHub) installed(agent *http.Client, name string) {
	th.t.Helper()
	_, spec := th.desiredExtension(agent, name)
	if spec == nil {
		th.t.Fatalf("the agent has no desired extension %s", name)
	}
	th.reportCurrent(agent, protocol.KindExtension, name, protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded,
		InstalledVersion: spec.Version, HelmRevision: 1, Message: "Release installed",
		Conditions: []protocol.Condition{{Type: "Ready", Status: "True", Reason: "InstallSucceeded", Message: "Helm install succeeded", LastTransitionTime: "2026-11-23T10:00:00Z"}}})
}

// desiredFlux returns the agent's desired GitOpsConfiguration called name, or nil.
func (th *testHub) desiredFlux(agent *http.Client, name string) (*protocol.DesiredObject, *protocol.GitOpsConfigurationSpec) {
	th.t.Helper()
	return desiredObject[protocol.GitOpsConfigurationSpec](th, agent, protocol.KindGitOpsConfiguration, name)
}

// reportFlux posts a GitOps status as the agent.
func (th *testHub) reportFlux(agent *http.Client, name, observedRV string, st protocol.GitOpsConfigurationStatus) {
	th.t.Helper()
	th.reportStatus(agent, protocol.KindGitOpsConfiguration, name, observedRV, st)
}

// fluxApplied reports the current desired configuration name applied with compliance.
func (th *testHub) fluxApplied(agent *http.Client, name, compliance string) {
	th.t.Helper()
	th.reportCurrent(agent, protocol.KindGitOpsConfiguration, name, protocol.GitOpsConfigurationStatus{
		ProvisioningState: protocol.ProvisioningSucceeded, ComplianceState: compliance,
		SourceSyncedCommitID: "main@sha1:0a1b2c3d", SourceUpdatedAt: "2026-11-23T10:00:00Z",
		Statuses: []protocol.FluxObjectStatus{
			{Kind: "GitRepository", Name: name, Namespace: "default", ComplianceState: compliance,
				StatusConditions: []protocol.Condition{{Type: "Ready", Status: "True", Reason: "Succeeded", Message: "stored artifact", LastTransitionTime: "2026-11-23T10:00:01Z"}}},
			{Kind: "Kustomization", Name: name + "-apps", Namespace: "default", ComplianceState: compliance,
				AppliedBy: &protocol.ObjectReference{Name: name, Namespace: "default"}},
		},
	})
}
