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

package server

import (
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/pkg/protocol"
)

func fluxPath(cluster, name string) string {
	return clusterPath(sub, rg, cluster) + "/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/" + name
}

// fluxClient is the Azure SDK for Go's own Flux configurations client, pointed at the hub.
func (th *testHub) fluxClient() *armkubernetesconfiguration.FluxConfigurationsClient {
	th.t.Helper()
	c, err := armkubernetesconfiguration.NewFluxConfigurationsClient(sub, staticToken(th.admin), th.sdkOptions())
	if err != nil {
		th.t.Fatal(err)
	}
	return c
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
	obj, _ := th.desiredFlux(agent, name)
	if obj == nil {
		th.t.Fatalf("the agent has no desired Flux configuration %s", name)
	}
	th.reportFlux(agent, name, obj.ResourceVersion, protocol.GitOpsConfigurationStatus{
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
