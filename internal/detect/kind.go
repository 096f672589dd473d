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
	"strings"

	corev1 "k8s.io/api/core/v1"
)

const (
	kindControlPlane = "control-plane"
	kindWorker       = "worker"
)

// kindNodeNames reports whether every node is named the way kind names them:
// <cluster>-control-plane[N] or <cluster>-worker[N], with one cluster name. Requiring all the
// nodes to follow the pattern keeps a kubeadm node that happens to be called
// "x-control-plane" from being taken for kind.
func kindNodeNames(nodes []corev1.Node) bool {
	cluster := ""
	for i := range nodes {
		if prefix, ok := cutKindRole(nodes[i].Name, kindControlPlane); ok {
			cluster = prefix
			break
		}
	}
	if cluster == "" {
		return false
	}
	for i := range nodes {
		prefix, ok := cutKindRole(nodes[i].Name, kindControlPlane)
		if !ok {
			prefix, ok = cutKindRole(nodes[i].Name, kindWorker)
		}
		if !ok || prefix != cluster {
			return false
		}
	}
	return true
}

// cutKindRole splits "<cluster>-<role>[N]" into the cluster name.
func cutKindRole(name, role string) (string, bool) {
	prefix, ok := strings.CutSuffix(strings.TrimRight(name, "0123456789"), "-"+role)
	return prefix, ok && prefix != ""
}
