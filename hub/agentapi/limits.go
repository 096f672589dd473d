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

package agentapi

import (
	"encoding/json"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Defaults of Limits.
const (
	// DefaultMaxReportBytes is the default bound of an agent's request body.
	DefaultMaxReportBytes = 4 << 20
	// DefaultMaxStatusItems is the default number of statuses one report may carry.
	DefaultMaxStatusItems = protocol.MaxReportItems
	// DefaultMaxClusterOwned is the default number of cluster-owned objects per cluster.
	DefaultMaxClusterOwned = 500
	// DefaultMaxStatuses is the default number of statuses the hub keeps per cluster.
	DefaultMaxStatuses = 10_000
)

// Limits bound what one agent may send, so that no agent can exhaust the hub's memory or
// store. A zero field takes its default.
type Limits struct {
	// MaxReportBytes bounds the body of a heartbeat or status report (DefaultMaxReportBytes).
	MaxReportBytes int64
	// MaxStatusItems bounds the statuses of one report (DefaultMaxStatusItems).
	MaxStatusItems int
	// MaxClusterOwned bounds the objects one cluster reports as created in the cluster
	// rather than by the hub (DefaultMaxClusterOwned); each shows as an ARM resource.
	MaxClusterOwned int
	// MaxStatuses bounds all the statuses the hub keeps of one cluster (DefaultMaxStatuses):
	// cluster-owned ones and those of the cluster's desired objects.
	MaxStatuses int
}

func (l Limits) maxReportBytes() int64 { return orDefault(l.MaxReportBytes, DefaultMaxReportBytes) }
func (l Limits) maxStatusItems() int   { return orDefault(l.MaxStatusItems, DefaultMaxStatusItems) }
func (l Limits) maxClusterOwned() int  { return orDefault(l.MaxClusterOwned, DefaultMaxClusterOwned) }
func (l Limits) maxStatuses() int      { return orDefault(l.MaxStatuses, DefaultMaxStatuses) }

func orDefault[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// statusUpdate is what the store keeps of a report: a status reported Deleted removes the
// stored one (the status hook has what it needs of it), any other replaces it, and the
// store keeps a hub-owned object's only while its desired object lives. The counts are
// bounded inside the store's transaction, so concurrent reports cannot pass them together.
func (a *API) statusUpdate(items []protocol.ObjectStatus) store.StatusUpdate {
	u := store.StatusUpdate{Writes: make([]store.StatusWrite, len(items)),
		MaxClusterOwned: a.Limits.maxClusterOwned(), MaxTotal: a.Limits.maxStatuses()}
	for i, s := range items {
		u.Writes[i] = store.StatusWrite{Status: s, Remove: isDeleted(s)}
	}
	return u
}

// isDeleted reports whether a status tells that its object was removed from the cluster.
func isDeleted(s protocol.ObjectStatus) bool {
	var payload struct {
		ProvisioningState string `json:"provisioningState"`
	}
	_ = json.Unmarshal(s.Status, &payload) // validated already; an undecodable one is kept
	return payload.ProvisioningState == protocol.ProvisioningDeleted
}
