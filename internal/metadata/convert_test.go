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
	"reflect"
	"testing"

	"github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/protocol"
)

var collected = Cluster{
	KubernetesVersion: "v1.37.2+k3s1",
	NodeCount:         3,
	VCPUCount:         8,
	Distribution:      "k3s",
	Infrastructure:    "generic",
}

func TestToHeartbeat(t *testing.T) {
	want := protocol.Heartbeat{
		KubernetesVersion: "v1.37.2+k3s1", NodeCount: 3, CoreCount: 8, AgentVersion: "v0.1.0",
		Distribution: "k3s", Infrastructure: "generic", AgentCPUMillicores: 4, AgentMemoryBytes: 41943040,
	}
	if got := ToHeartbeat(collected, "v0.1.0", 4, 41943040); !reflect.DeepEqual(got, want) {
		t.Errorf("ToHeartbeat = %+v, want %+v", got, want)
	}
}

func TestToStatus(t *testing.T) {
	want := v1alpha1.ClusterMetadata{
		KubernetesVersion: "v1.37.2+k3s1", NodeCount: 3, VCPUCount: 8, AgentVersion: "v0.1.0",
		Distribution: "k3s", Infrastructure: "generic",
	}
	if got := ToStatus(collected, "v0.1.0"); got != want {
		t.Errorf("ToStatus = %+v, want %+v", got, want)
	}
}
