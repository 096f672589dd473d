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
	corev1 "k8s.io/api/core/v1"
)

// instanceTypeLabel is the well-known node label for the machine type. The k3s and RKE2
// embedded cloud providers set it to the program's name.
const instanceTypeLabel = "node.kubernetes.io/instance-type"

// distributionRule names a distribution and the evidence for it.
type distributionRule struct {
	distribution string
	evidence
}

// distributionRules returns the rules in the order they are tried: the first match wins, so a
// distribution that can run on a cloud (OpenShift, k3s, RKE2) comes before the cloud's managed
// service, and rules that need a product-specific marker come before weaker ones.
func distributionRules() []distributionRule {
	return []distributionRule{{
		// OpenShift's machine-config operator labels every node with its OS (rhcos or rhel),
		// on any cloud, so it beats the managed-cloud rules (ROSA, ARO).
		distribution: DistributionOpenShift,
		evidence:     evidence{labelKeys: []string{"node.openshift.io/os_id"}},
	}, {
		// RKE2 builds carry "+rke2r<N>" in the server and kubelet versions; its embedded cloud
		// provider sets providerID rke2://<node> and instance-type=rke2. RKE2 is built from
		// k3s, so it is tried before k3s.
		distribution: DistributionRKE2,
		evidence: evidence{
			versionMarkers:     []string{"+rke2"},
			providerIDPrefixes: []string{"rke2://"},
			labelValues:        map[string]string{instanceTypeLabel: "rke2"},
		},
	}, {
		// k3s (and k3d) builds carry "+k3s<N>" in the versions; its embedded cloud provider sets
		// providerID k3s://<node> and instance-type=k3s.
		distribution: DistributionK3s,
		evidence: evidence{
			versionMarkers:     []string{"+k3s"},
			providerIDPrefixes: []string{"k3s://"},
			labelValues:        map[string]string{instanceTypeLabel: "k3s"},
		},
	}, {
		// minikube labels its nodes minikube.k8s.io/name, /version, /primary, ...
		distribution: DistributionMinikube,
		evidence:     evidence{labelKeys: []string{"minikube.k8s.io/name", "minikube.k8s.io/version"}},
	}, {
		// MicroK8s starts its kubelet with --node-labels=microk8s.io/cluster=true.
		distribution: DistributionMicroK8s,
		evidence:     evidence{labelKeys: []string{"microk8s.io/cluster"}},
	}, {
		// kind sets providerID kind://<runtime>/<cluster>/<node>. Releases before that named
		// their nodes <cluster>-control-plane[N] and <cluster>-worker[N], checked last.
		distribution: DistributionKind,
		evidence: evidence{
			providerIDPrefixes: []string{"kind://"},
			nodes:              kindNodeNames,
		},
	}, {
		// EKS builds carry "-eks-" in the server and kubelet versions (v1.33.1-eks-1a2b3c4);
		// managed node groups label eks.amazonaws.com/nodegroup, Fargate and Auto Mode nodes
		// eks.amazonaws.com/compute-type. An aws:// providerID alone is any cluster on EC2.
		distribution: DistributionEKS,
		evidence: evidence{
			versionMarkers: []string{"-eks-"},
			labelKeys:      []string{"eks.amazonaws.com/nodegroup", "eks.amazonaws.com/compute-type"},
		},
	}, {
		// GKE builds carry "-gke." in the versions (v1.33.2-gke.1240000); every node pool labels
		// cloud.google.com/gke-nodepool. A gce:// providerID alone is any cluster on GCE.
		distribution: DistributionGKE,
		evidence: evidence{
			versionMarkers: []string{"-gke."},
			labelKeys:      []string{"cloud.google.com/gke-nodepool"},
		},
	}, {
		// AKS versions are upstream's, so only its node labels tell: kubernetes.azure.com/cluster
		// (the node resource group) and kubernetes.azure.com/agentpool. An azure:// providerID
		// alone is any cluster on Azure VMs (Cluster API, kubeadm).
		distribution: DistributionAKS,
		evidence:     evidence{labelKeys: []string{"kubernetes.azure.com/cluster", "kubernetes.azure.com/agentpool"}},
	}}
}

// Distribution returns the Kubernetes distribution of a cluster, one of the Distribution*
// constants, from the API server's git version and the cluster's nodes.
func Distribution(version string, nodes []corev1.Node) string {
	for _, rule := range distributionRules() {
		if rule.matches(version, nodes) {
			return rule.distribution
		}
	}
	return DistributionGeneric
}
