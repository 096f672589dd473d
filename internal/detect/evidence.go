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
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// evidence is what marks a cluster as one distribution or infrastructure; any single match
// is enough.
type evidence struct {
	// labelKeys are node label keys whose presence alone is enough.
	labelKeys []string
	// labelValues are node labels that must carry exactly this value.
	labelValues map[string]string
	// providerIDPrefixes are prefixes of a node's spec.providerID.
	providerIDPrefixes []string
	// versionMarkers are substrings of the API server's or a kubelet's git version.
	versionMarkers []string
	// nodes is an extra check over the whole node list, for evidence no field carries alone.
	nodes func(nodes []corev1.Node) bool
}

// matches reports whether the server version or any node shows the evidence.
func (e evidence) matches(version string, nodes []corev1.Node) bool {
	if e.matchesVersion(version) {
		return true
	}
	for i := range nodes {
		if e.matchesNode(&nodes[i]) {
			return true
		}
	}
	return e.nodes != nil && e.nodes(nodes)
}

// matchesNode checks one node's labels, providerID and kubelet version. The kube-proxy version
// in NodeInfo is deprecated and no longer filled in by kubelets, so it is not read.
func (e evidence) matchesNode(n *corev1.Node) bool {
	return e.matchesLabels(n.Labels) ||
		e.matchesProviderID(n.Spec.ProviderID) ||
		e.matchesVersion(n.Status.NodeInfo.KubeletVersion)
}

func (e evidence) matchesLabels(labels map[string]string) bool {
	for _, key := range e.labelKeys {
		if _, ok := labels[key]; ok {
			return true
		}
	}
	for key, want := range e.labelValues {
		if got, ok := labels[key]; ok && got == want {
			return true
		}
	}
	return false
}

func (e evidence) matchesProviderID(providerID string) bool {
	return anyMatch(providerID, e.providerIDPrefixes, strings.HasPrefix)
}

func (e evidence) matchesVersion(version string) bool {
	return anyMatch(version, e.versionMarkers, strings.Contains)
}

// anyMatch reports whether s is set and match(s, pattern) holds for one of patterns.
func anyMatch(s string, patterns []string, match func(s, pattern string) bool) bool {
	return s != "" && slices.ContainsFunc(patterns, func(p string) bool { return match(s, p) })
}
