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

package detect

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestInfrastructure(t *testing.T) {
	aws := node("ip-10-0-0-1", providerID("aws:///us-east-1a/i-0abc"))
	azure := node("vm-1", providerID("azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1"))
	plain := node("n1")
	tests := []struct {
		name  string
		nodes []corev1.Node
		want  string
	}{
		{"no nodes", nil, InfrastructureGeneric},
		{"aws", nodes(aws), InfrastructureAWS},
		{"gcp", nodes(node("vm", providerID("gce://proj/us-central1-a/vm"))), InfrastructureGCP},
		{"azure", nodes(azure), InfrastructureAzure},
		{"vsphere", nodes(node("vm", providerID("vsphere://4231a1b2-0000-0000-0000-000000000000"))), InfrastructureVSphere},
		{"openstack", nodes(node("vm", providerID("openstack:///8d1e0c9a-0000-0000-0000-000000000000"))), InfrastructureOpenStack},
		{"metal3", nodes(node("m", providerID("metal3://ns/bmh-0/m"))), InfrastructureBareMetal},
		{"equinix metal", nodes(node("m", providerID("equinixmetal://6a4d0c9a"))), InfrastructureBareMetal},
		{"kind is generic, not bare metal", nodes(node("kind-control-plane", providerID("kind://docker/kind/kind-control-plane"))), InfrastructureGeneric},
		{"k3s without a cloud provider is generic", nodes(node("pi", providerID("k3s://pi"))), InfrastructureGeneric},
		{"minikube without a providerID is generic", nodes(node("minikube", label("minikube.k8s.io/name", "minikube"))), InfrastructureGeneric},
		{"region label alone is not evidence", nodes(node("n", label("topology.kubernetes.io/region", "us-east-1"))), InfrastructureGeneric},
		{"eks node not yet initialised: label decides", nodes(node("n", label("eks.amazonaws.com/nodegroup", "ng"))), InfrastructureAWS},
		{"gke node not yet initialised: label decides", nodes(node("n", label("cloud.google.com/gke-nodepool", "p"))), InfrastructureGCP},
		{"aks node not yet initialised: label decides", nodes(node("n", label("kubernetes.azure.com/cluster", "MC_x"))), InfrastructureAzure},
		{"providerID beats labels", nodes(node("n", providerID("kind://docker/x/n"), label("kubernetes.azure.com/cluster", "MC_x"))), InfrastructureGeneric},
		{"majority wins", nodes(aws, aws, aws, node("edge", providerID("vsphere://42"))), InfrastructureAWS},
		{"mostly unknown nodes stay generic", nodes(aws, plain, plain), InfrastructureGeneric},
		{"tie with generic goes to the evidence", nodes(aws, plain), InfrastructureAWS},
		{"tie between clouds goes to the earlier rule", nodes(azure, aws), InfrastructureAWS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Infrastructure(tt.nodes); got != tt.want {
				t.Errorf("Infrastructure(%d nodes) = %q, want %q", len(tt.nodes), got, tt.want)
			}
		})
	}
}
