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

// Package protocol holds the wire types of the agent protocol, /agent/v1, shared by the hub
// and the agent. docs/agent-protocol.md describes the exchanges.
package protocol

import (
	"encoding/json"
	"time"
)

// Paths of the agent API, relative to the hub's base URL.
const (
	// PathRegister takes a RegisterRequest and answers a RegisterResponse. It needs no client
	// certificate: the CSR, signed with the agent's key, is the proof of possession.
	PathRegister = "/agent/v1/register"
	// PathHeartbeat takes a Heartbeat and answers a HeartbeatResponse.
	PathHeartbeat = "/agent/v1/heartbeat"
	// PathDesiredState answers the cluster's whole DesiredState (a list).
	PathDesiredState = "/agent/v1/desiredstate"
	// PathWatch streams WatchEvents, one JSON object per line, from ?resourceVersion=N.
	PathWatch = "/agent/v1/watch"
	// PathStatus takes a StatusReport.
	PathStatus = "/agent/v1/status"
)

// RegisterRequest asks for a client certificate.
type RegisterRequest struct {
	// ResourceID is the connectedCluster's ARM ID.
	ResourceID string `json:"resourceId"`
	// CSR is a PEM certificate signing request signed with the agent's private key, whose
	// public key must be the connectedCluster's agentPublicKeyCertificate.
	CSR string `json:"csr"`
}

// RegisterResponse carries the agent's client certificate.
type RegisterResponse struct {
	// Certificate is the PEM client certificate.
	Certificate string `json:"certificate"`
	// CACertificate is the PEM certificate of the hub CA that signed it.
	CACertificate string `json:"caCertificate"`
	// NotAfter is when the certificate expires.
	NotAfter time.Time `json:"notAfter"`
	// RenewAfter is when the agent should renew: about two thirds into the lifetime.
	RenewAfter time.Time `json:"renewAfter"`
}

// Heartbeat is what the agent pushes at each interval.
type Heartbeat struct {
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	NodeCount         int32  `json:"nodeCount,omitempty"`
	CoreCount         int32  `json:"coreCount,omitempty"`
	AgentVersion      string `json:"agentVersion,omitempty"`
	Distribution      string `json:"distribution,omitempty"`
	Infrastructure    string `json:"infrastructure,omitempty"`
	// AgentCPUMillicores is the agent's own CPU use.
	AgentCPUMillicores int64 `json:"agentCpuMillicores,omitempty"`
	// AgentMemoryBytes is the agent's own resident memory.
	AgentMemoryBytes int64 `json:"agentMemoryBytes,omitempty"`
	// Features are the optional features enabled in the agent (Feature* constants).
	Features []string `json:"features,omitempty"`
}

// HeartbeatResponse is the hub's answer to a heartbeat.
type HeartbeatResponse struct {
	// ConnectivityStatus is the cluster's status on the hub after this heartbeat.
	ConnectivityStatus string `json:"connectivityStatus"`
}

// Kinds of desired objects.
const (
	// KindAgentProfile is the cluster's arcAgentProfile; its name is always "default".
	KindAgentProfile = "AgentProfile"
)

// DesiredObject is one piece of the cluster's desired state.
type DesiredObject struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// ResourceVersion changes whenever the object changes.
	ResourceVersion string `json:"resourceVersion"`
	// Spec is the kind's payload, e.g. an AgentProfile.
	Spec json.RawMessage `json:"spec,omitempty"`
}

// AgentProfile is the spec of a KindAgentProfile object.
type AgentProfile struct {
	// DesiredAgentVersion pins the agent version; empty means the newest on the release train.
	DesiredAgentVersion string `json:"desiredAgentVersion,omitempty"`
	// AgentAutoUpgrade is Enabled or Disabled.
	AgentAutoUpgrade string `json:"agentAutoUpgrade,omitempty"`
	// ReleaseTrain is the catalog release train the cluster's agent follows.
	ReleaseTrain string `json:"releaseTrain,omitempty"`
	// AvailableAgentVersion is the newest agent version on ReleaseTrain in the hub's catalog.
	AvailableAgentVersion string `json:"availableAgentVersion,omitempty"`
	// TargetAgentVersion is the version the agent should run: DesiredAgentVersion when
	// pinned, else AvailableAgentVersion when auto-upgrade is enabled; empty means stay.
	TargetAgentVersion string `json:"targetAgentVersion,omitempty"`
	// TargetChart is the agent chart of TargetAgentVersion.
	TargetChart *ChartRef `json:"targetChart,omitempty"`
	// LogLevel is the least severe level of the log lines the agent ships, one of
	// LogLevels; empty means the agent's own default.
	LogLevel string `json:"logLevel,omitempty"`
}

// DesiredState is the cluster's whole desired state at ResourceVersion.
type DesiredState struct {
	ResourceVersion string          `json:"resourceVersion"`
	Items           []DesiredObject `json:"items"`
}

// EventType says what happened to a desired object.
type EventType string

// Watch event types, as in Kubernetes watches.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	// Bookmark carries only a ResourceVersion the agent can resume from.
	Bookmark EventType = "BOOKMARK"
)

// WatchEvent is one line of the watch stream.
type WatchEvent struct {
	Type            EventType      `json:"type"`
	ResourceVersion string         `json:"resourceVersion"`
	Object          *DesiredObject `json:"object,omitempty"`
}

// ObjectStatus is what the agent observed for one desired (or cluster-owned) object.
type ObjectStatus struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// ObservedResourceVersion is the desired object's version the status describes; empty for
	// objects created in the cluster.
	ObservedResourceVersion string `json:"observedResourceVersion,omitempty"`
	// Status is the kind's status payload.
	Status json.RawMessage `json:"status"`
}

// StatusReport is a batch of statuses.
type StatusReport struct {
	Items []ObjectStatus `json:"items"`
}

// Error is the body of every non-2xx answer of the agent API.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
