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

package metadata

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodePageSize bounds one list response, so a cluster with thousands of nodes is read in
// pages instead of one response of hundreds of megabytes.
const nodePageSize = 500

// nodeLister is the part of the node client listNodes needs.
type nodeLister interface {
	List(ctx context.Context, opts metav1.ListOptions) (*corev1.NodeList, error)
}

// listNodes lists every node, page by page, keeping only the fields Collect and
// internal/detect read (see slimNode).
func listNodes(ctx context.Context, client nodeLister) ([]corev1.Node, error) {
	var nodes []corev1.Node
	opts := metav1.ListOptions{Limit: nodePageSize}
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("listing nodes: %w", err)
		}
		page, err := client.List(ctx, opts)
		if err != nil {
			// A 410 Gone here means the continue token expired mid-list; the next
			// collection starts over.
			return nil, fmt.Errorf("listing nodes (the agent needs list on nodes): %w", err)
		}
		for i := range page.Items {
			nodes = append(nodes, slimNode(&page.Items[i]))
		}
		if page.Continue == "" {
			return nodes, nil
		}
		opts.Continue = page.Continue
	}
}

// slimNode copies the fields Collect and internal/detect read: the name, labels, providerID,
// kubelet version and CPU capacity. Images, conditions and managed fields make up most of a
// Node and would otherwise be held for every node of a big cluster. A new detection rule that
// reads another field must add it here.
func slimNode(n *corev1.Node) corev1.Node {
	slim := corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels},
		Spec:       corev1.NodeSpec{ProviderID: n.Spec.ProviderID},
	}
	slim.Status.NodeInfo.KubeletVersion = n.Status.NodeInfo.KubeletVersion
	if cpu, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
		slim.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: cpu}
	}
	return slim
}
