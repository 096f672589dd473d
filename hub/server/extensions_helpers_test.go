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

const apiExt = "?api-version=2023-05-01"

func extensionPath(cluster, name string) string {
	return clusterPath(sub, rg, cluster) + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name
}

// extensionsClient is the Azure SDK for Go's own extensions client, pointed at the hub.
func (th *testHub) extensionsClient() *armkubernetesconfiguration.ExtensionsClient {
	th.t.Helper()
	c, err := armkubernetesconfiguration.NewExtensionsClient(sub, staticToken(th.admin), th.sdkOptions())
	if err != nil {
		th.t.Fatal(err)
	}
	return c
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
	obj, spec := th.desiredExtension(agent, name)
	if obj == nil {
		th.t.Fatalf("the agent has no desired extension %s", name)
	}
	th.report(agent, name, obj.ResourceVersion, protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded,
		InstalledVersion: spec.Version, HelmRevision: 1, Message: "Release installed",
		Conditions: []protocol.Condition{{Type: "Ready", Status: "True", Reason: "InstallSucceeded", Message: "Helm install succeeded", LastTransitionTime: "2026-11-23T10:00:00Z"}}})
}
