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
	"context"
	"encoding/json"
	"fmt"

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
}

func (l Limits) maxReportBytes() int64 { return orDefault(l.MaxReportBytes, DefaultMaxReportBytes) }
func (l Limits) maxStatusItems() int   { return orDefault(l.MaxStatusItems, DefaultMaxStatusItems) }
func (l Limits) maxClusterOwned() int  { return orDefault(l.MaxClusterOwned, DefaultMaxClusterOwned) }

func orDefault[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// statusKey names a status within its cluster.
type statusKey struct{ kind, name string }

// checkClusterOwned refuses a report after which the cluster would have more cluster-owned
// objects than the limit; it returns an InvalidFieldError for the agent. Concurrent reports
// of one cluster may together pass the limit by at most one report's items.
func (a *API) checkClusterOwned(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error {
	stored, err := a.Store.ListStatuses(ctx, clusterID)
	if err != nil {
		return fmt.Errorf("listing the statuses of %s: %w", clusterID, err)
	}
	owned := map[statusKey]bool{}
	for _, list := range [][]protocol.ObjectStatus{stored, items} { // the report replaces what is stored
		for _, s := range list {
			owned[statusKey{s.Kind, s.Name}] = isClusterOwned(s)
		}
	}
	n := 0
	for _, ok := range owned {
		if ok {
			n++
		}
	}
	if limit := a.Limits.maxClusterOwned(); n > limit {
		return &protocol.InvalidFieldError{Field: "items", Rule: fmt.Sprintf(
			"at most %d objects created in the cluster (without observedResourceVersion) per cluster; this report would make %d", limit, n)}
	}
	return nil
}

// isClusterOwned reports whether a status describes an object created in the cluster that
// the hub shows: one without an observed desired version that is not reported deleted.
func isClusterOwned(s protocol.ObjectStatus) bool {
	if s.ObservedResourceVersion != "" {
		return false
	}
	var payload struct {
		ProvisioningState string `json:"provisioningState"`
	}
	_ = json.Unmarshal(s.Status, &payload) // validated already; an undecodable one counts
	return payload.ProvisioningState != protocol.ProvisioningDeleted
}
