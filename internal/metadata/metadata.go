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

// Package metadata collects what the agent reports about its cluster (version, size,
// distribution, infrastructure) and about itself (CPU and memory use), and maps it onto the
// ArcConnection status and the hub heartbeat.
package metadata

import (
	"context"
	"fmt"
	"math"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubearc/kubearc/internal/detect"
)

// Cluster is what the agent observed of its cluster.
type Cluster struct {
	// KubernetesVersion is the API server's git version, for example v1.37.2+k3s1.
	KubernetesVersion string
	// NodeCount is the number of Node objects.
	NodeCount int32
	// VCPUCount is the nodes' total CPU capacity, rounded up to whole vCPUs.
	VCPUCount int32
	// Distribution is one of the detect.Distribution* constants.
	Distribution string
	// Infrastructure is one of the detect.Infrastructure* constants.
	Infrastructure string
}

// Collect reads the cluster's metadata through clientset. It needs get on the /version
// endpoint (every authenticated client has it) and list on nodes.
func Collect(ctx context.Context, clientset kubernetes.Interface) (Cluster, error) {
	info, err := clientset.Discovery().ServerVersionWithContext(ctx)
	if err != nil {
		return Cluster{}, fmt.Errorf("reading the API server's version: %w", err)
	}
	nodes, err := listNodes(ctx, clientset.CoreV1().Nodes())
	if err != nil {
		return Cluster{}, err
	}
	return Cluster{
		KubernetesVersion: info.GitVersion,
		NodeCount:         clampInt32(int64(len(nodes))),
		VCPUCount:         vcpus(nodes),
		Distribution:      detect.Distribution(info.GitVersion, nodes),
		Infrastructure:    detect.Infrastructure(nodes),
	}, nil
}

// vcpus sums the nodes' CPU capacity in millicores and rounds up, so 2 + 4 + 1500m is 8.
func vcpus(nodes []corev1.Node) int32 {
	var millicores int64
	for i := range nodes {
		millicores += nodes[i].Status.Capacity.Cpu().MilliValue()
	}
	return clampInt32((millicores + 999) / 1000)
}

// clampInt32 keeps a count inside the int32 the API types use.
func clampInt32(n int64) int32 {
	return int32(min(max(n, 0), math.MaxInt32))
}
