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

func TestDistribution(t *testing.T) {
	const plain = "v1.37.2"
	tests := []struct {
		name    string
		version string
		nodes   []corev1.Node
		want    string
	}{
		{"no evidence at all", "", nil, DistributionGeneric},
		{"kubeadm on premises", plain, nodes(node("cp1", kubelet(plain)), node("w1", kubelet(plain))), DistributionGeneric},
		{"kind providerID", plain, nodes(node("dev-control-plane", providerID("kind://docker/dev/dev-control-plane"))), DistributionKind},
		{"kind node names without providerID", plain, nodes(node("kind-control-plane"), node("kind-control-plane2"), node("kind-worker"), node("kind-worker2")), DistributionKind},
		{"kubeadm node that happens to be called -control-plane", plain, nodes(node("prod-control-plane"), node("db-01")), DistributionGeneric},
		{"two clusters' worth of kind-like names", plain, nodes(node("a-control-plane"), node("b-worker")), DistributionGeneric},
		{"k3s from the server version alone", "v1.37.2+k3s1", nil, DistributionK3s},
		{"k3s kubelet on EC2 with the AWS cloud provider", plain, nodes(node("ip-10-0-0-1", providerID("aws:///us-east-1a/i-0abc"), kubelet("v1.37.2+k3s1"))), DistributionK3s},
		{"k3d node with the k3s providerID", plain, nodes(node("k3d-dev-server-0", providerID("k3s://k3d-dev-server-0"))), DistributionK3s},
		{"k3s instance-type label", plain, nodes(node("pi", label(instanceTypeLabel, "k3s"))), DistributionK3s},
		{"one k3s node among others", plain, nodes(node("a"), node("b", kubelet("v1.37.2+k3s1"))), DistributionK3s},
		{"rke2 server version", "v1.37.2+rke2r1", nodes(node("a")), DistributionRKE2},
		{"rke2 providerID", plain, nodes(node("a", providerID("rke2://a"))), DistributionRKE2},
		{"rke2 instance-type label", plain, nodes(node("a", label(instanceTypeLabel, "rke2"))), DistributionRKE2},
		{"eks server version", "v1.37.2-eks-3025e55", nil, DistributionEKS},
		{"eks karpenter node: kubelet version only", plain, nodes(node("ip-10-0-0-1", providerID("aws:///us-east-1a/i-0abc"), kubelet("v1.37.1-eks-1a2b3c4"))), DistributionEKS},
		{"eks managed node group", plain, nodes(node("ip-10-0-0-1", label("eks.amazonaws.com/nodegroup", "ng-1"))), DistributionEKS},
		{"eks fargate", plain, nodes(node("fargate-ip-10-0-0-1", label("eks.amazonaws.com/compute-type", "fargate"))), DistributionEKS},
		{"kubeadm on EC2 is not eks", plain, nodes(node("ip-10-0-0-1", providerID("aws:///us-east-1a/i-0abc"), kubelet(plain))), DistributionGeneric},
		{"gke server version", "v1.37.2-gke.1240000", nil, DistributionGKE},
		{"gke node pool label", plain, nodes(node("gke-c-pool-1", label("cloud.google.com/gke-nodepool", "pool-1"))), DistributionGKE},
		{"kubeadm on GCE is not gke", plain, nodes(node("vm-1", providerID("gce://proj/us-central1-a/vm-1"))), DistributionGeneric},
		{"aks labels", plain, nodes(node("aks-nodepool1-1-vmss000000", providerID("azure:///subscriptions/s/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks/virtualMachines/0"), label("kubernetes.azure.com/cluster", "MC_rg_c_westeurope"))), DistributionAKS},
		{"aks agentpool label", plain, nodes(node("aks-1", label("kubernetes.azure.com/agentpool", "nodepool1"))), DistributionAKS},
		{"cluster api on Azure VMs is not aks", plain, nodes(node("capz-md-0-abcde", providerID("azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/capz-md-0-abcde"))), DistributionGeneric},
		{"openshift on AWS (ROSA) beats the cloud", plain, nodes(node("ip-10-0-0-1", providerID("aws:///us-east-1a/i-0abc"), label("node.openshift.io/os_id", "rhcos"))), DistributionOpenShift},
		{"openshift on Azure with AKS-like labels", plain, nodes(node("aro-1", label("node.openshift.io/os_id", "rhcos"), label("kubernetes.azure.com/cluster", "x"))), DistributionOpenShift},
		{"minikube", plain, nodes(node("minikube", label("minikube.k8s.io/name", "minikube"), label("node-role.kubernetes.io/control-plane", ""))), DistributionMinikube},
		{"microk8s", plain, nodes(node("mk8s", label("microk8s.io/cluster", "true"))), DistributionMicroK8s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Distribution(tt.version, tt.nodes); got != tt.want {
				t.Errorf("Distribution(%q, %d nodes) = %q, want %q", tt.version, len(tt.nodes), got, tt.want)
			}
		})
	}
}
