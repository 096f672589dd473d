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

package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kubearc/kubearc/hub/connectivity"
)

var (
	agentCPUDesc = prometheus.NewDesc("kubearc_agent_cpu_millicores",
		"CPU the agent of a Connected cluster used, as its last heartbeat reported it.", []string{"cluster"}, nil)
	agentMemoryDesc = prometheus.NewDesc("kubearc_agent_memory_bytes",
		"Resident memory of the agent of a Connected cluster, as its last heartbeat reported it.", []string{"cluster"}, nil)
)

// agentUsageCollector reports each Connected cluster's agent usage from the tracker at scrape
// time: a cluster that goes offline or is deleted leaves no stale series behind.
type agentUsageCollector struct{ tracker *connectivity.Tracker }

func (c agentUsageCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- agentCPUDesc
	ch <- agentMemoryDesc
}

func (c agentUsageCollector) Collect(ch chan<- prometheus.Metric) {
	for _, rt := range c.tracker.Connected() {
		ch <- prometheus.MustNewConstMetric(agentCPUDesc, prometheus.GaugeValue, float64(rt.Heartbeat.AgentCPUMillicores), rt.ClusterID)
		ch <- prometheus.MustNewConstMetric(agentMemoryDesc, prometheus.GaugeValue, float64(rt.Heartbeat.AgentMemoryBytes), rt.ClusterID)
	}
}
