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

// infrastructureRule names an infrastructure, the providerID prefixes its cloud provider sets
// and node labels that support it when a node has no providerID yet.
type infrastructureRule struct {
	infrastructure string
	evidence
}

// infrastructureRules returns the rules in the order Infrastructure breaks ties.
//
// A providerID is set by the infrastructure's cloud provider or machine controller, so it is
// the evidence. Labels count only for a node without a providerID (the cloud controller has
// not initialised it yet), and only product-specific ones: topology.kubernetes.io/region and
// node.kubernetes.io/instance-type are set on every cloud and by hand on premises, so they
// cannot tell one infrastructure from another.
func infrastructureRules() []infrastructureRule {
	return []infrastructureRule{{
		// aws:///<zone>/<instance-id> from the AWS cloud provider (EKS, kops, Cluster API).
		infrastructure: InfrastructureAWS,
		evidence: evidence{
			providerIDPrefixes: []string{"aws://"},
			labelKeys:          []string{"eks.amazonaws.com/nodegroup", "eks.amazonaws.com/compute-type", "karpenter.k8s.aws/instance-family"},
		},
	}, {
		// gce://<project>/<zone>/<instance> from the GCE cloud provider.
		infrastructure: InfrastructureGCP,
		evidence: evidence{
			providerIDPrefixes: []string{"gce://"},
			labelKeys:          []string{"cloud.google.com/gke-nodepool"},
		},
	}, {
		// azure:///subscriptions/... from the Azure cloud provider.
		infrastructure: InfrastructureAzure,
		evidence: evidence{
			providerIDPrefixes: []string{"azure://"},
			labelKeys:          []string{"kubernetes.azure.com/cluster", "kubernetes.azure.com/agentpool"},
		},
	}, {
		// vsphere://<vm-uuid> from the vSphere cloud provider (also Cluster API vSphere).
		infrastructure: InfrastructureVSphere,
		evidence:       evidence{providerIDPrefixes: []string{"vsphere://"}},
	}, {
		// openstack:///<server-id> from the OpenStack cloud provider.
		infrastructure: InfrastructureOpenStack,
		evidence:       evidence{providerIDPrefixes: []string{"openstack://"}},
	}, {
		// Bare metal only from a bare-metal provisioner's providerID: metal3:// (Metal3,
		// Cluster API Metal3) and equinixmetal:// or its older packet:// (Equinix Metal).
		// kind, k3s and minikube nodes without a cloud providerID stay generic: from the API we
		// cannot tell a physical machine from a VM or a container.
		infrastructure: InfrastructureBareMetal,
		evidence:       evidence{providerIDPrefixes: []string{"metal3://", "equinixmetal://", "packet://"}},
	}}
}

// Infrastructure returns where the cluster runs, one of the Infrastructure* constants. Each
// node votes for the infrastructure its providerID (or, without one, its labels) shows, or for
// generic; the most votes win, so a few nodes elsewhere (edge or hybrid nodes) do not decide.
// A tie goes to an infrastructure over generic, since it has evidence, and between two
// infrastructures to the earlier rule.
func Infrastructure(nodes []corev1.Node) string {
	rules := infrastructureRules()
	votes := make(map[string]int, len(rules)+1)
	for i := range nodes {
		votes[nodeInfrastructure(&nodes[i], rules)]++
	}
	best, bestVotes := InfrastructureGeneric, 0
	for _, rule := range rules {
		if n := votes[rule.infrastructure]; n > bestVotes {
			best, bestVotes = rule.infrastructure, n
		}
	}
	if votes[InfrastructureGeneric] > bestVotes {
		return InfrastructureGeneric
	}
	return best
}

// nodeInfrastructure is one node's vote.
func nodeInfrastructure(n *corev1.Node, rules []infrastructureRule) string {
	if n.Spec.ProviderID != "" {
		for _, rule := range rules {
			if rule.matchesProviderID(n.Spec.ProviderID) {
				return rule.infrastructure
			}
		}
		// kind://, k3s://, rke2:// and unknown providers.
		return InfrastructureGeneric
	}
	for _, rule := range rules {
		if rule.matchesLabels(n.Labels) {
			return rule.infrastructure
		}
	}
	return InfrastructureGeneric
}
