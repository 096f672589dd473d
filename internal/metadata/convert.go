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
	"github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ToHeartbeat is the heartbeat the agent sends for c, with the agent's own version, CPU use
// in millicores and resident memory in bytes.
func ToHeartbeat(c Cluster, agentVersion string, cpuMillicores, memoryBytes int64) protocol.Heartbeat {
	return protocol.Heartbeat{
		KubernetesVersion:  c.KubernetesVersion,
		NodeCount:          c.NodeCount,
		CoreCount:          c.VCPUCount,
		AgentVersion:       agentVersion,
		Distribution:       c.Distribution,
		Infrastructure:     c.Infrastructure,
		AgentCPUMillicores: cpuMillicores,
		AgentMemoryBytes:   memoryBytes,
	}
}

// ToStatus is the ArcConnection status metadata for c and the agent's version.
func ToStatus(c Cluster, agentVersion string) v1alpha1.ClusterMetadata {
	return v1alpha1.ClusterMetadata{
		KubernetesVersion: c.KubernetesVersion,
		NodeCount:         c.NodeCount,
		VCPUCount:         c.VCPUCount,
		AgentVersion:      agentVersion,
		Distribution:      c.Distribution,
		Infrastructure:    c.Infrastructure,
	}
}
