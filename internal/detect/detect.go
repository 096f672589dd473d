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

// Package detect tells which Kubernetes distribution a cluster is and which infrastructure it
// runs on, from what any client can read: the API server's version and the Node objects.
// Each function is pure; callers list the nodes.
package detect

// Distributions reported by Distribution.
const (
	DistributionKind      = "kind"
	DistributionK3s       = "k3s"
	DistributionRKE2      = "rke2"
	DistributionEKS       = "eks"
	DistributionGKE       = "gke"
	DistributionAKS       = "aks"
	DistributionOpenShift = "openshift"
	DistributionMinikube  = "minikube"
	DistributionMicroK8s  = "microk8s"
	// DistributionGeneric is any cluster no rule recognises, such as kubeadm.
	DistributionGeneric = "generic"
)

// Infrastructures reported by Infrastructure.
const (
	InfrastructureAWS       = "aws"
	InfrastructureGCP       = "gcp"
	InfrastructureAzure     = "azure"
	InfrastructureVSphere   = "vsphere"
	InfrastructureOpenStack = "openstack"
	InfrastructureBareMetal = "bare_metal"
	// InfrastructureGeneric is anything without clear evidence, including containers
	// (kind) and local VMs (minikube).
	InfrastructureGeneric = "generic"
)
