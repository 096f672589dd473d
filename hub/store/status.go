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

package store

import (
	"fmt"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// StatusUpdate is an agent's status report as Store.PutStatuses applies it. What one cluster
// keeps is bounded: statuses of hub-owned objects only while their desired object lives,
// cluster-owned ones by MaxClusterOwned, all of them by MaxTotal.
type StatusUpdate struct {
	// Writes are applied in order.
	Writes []StatusWrite
	// MaxClusterOwned bounds the statuses without an ObservedResourceVersion (objects created
	// in the cluster), MaxTotal all statuses of the cluster; 0 is no bound. An update that
	// would leave the cluster with more than a bound, and more than it had, is refused whole.
	// The counts are taken inside the write's transaction.
	MaxClusterOwned, MaxTotal int
}

// StatusWrite is one item of a StatusUpdate.
type StatusWrite struct {
	// Status replaces the stored status of its kind and name. One with an
	// ObservedResourceVersion (of a hub-owned object) is stored only while the cluster has a
	// live desired object of its kind and name; otherwise the stored one is removed.
	Status protocol.ObjectStatus
	// Remove removes the stored status of Status's kind and name instead: the agent reported
	// the object gone.
	Remove bool
}

// Puts is the StatusUpdate that stores statuses, without limits.
func Puts(statuses ...protocol.ObjectStatus) StatusUpdate {
	u := StatusUpdate{Writes: make([]StatusWrite, len(statuses))}
	for i, s := range statuses {
		u.Writes[i] = StatusWrite{Status: s}
	}
	return u
}

// StatusLimitError is PutStatuses' refusal of an update that would pass a limit of
// StatusUpdate.
type StatusLimitError struct {
	// ClusterOwned is true when the bound is MaxClusterOwned, false for MaxTotal.
	ClusterOwned bool
	// Limit is the bound; Count how many the cluster would hold.
	Limit, Count int
}

func (e *StatusLimitError) Error() string {
	if e.ClusterOwned {
		return fmt.Sprintf("at most %d objects created in the cluster (without observedResourceVersion) per cluster; this report would make %d", e.Limit, e.Count)
	}
	return fmt.Sprintf("at most %d statuses per cluster; this report would make %d", e.Limit, e.Count)
}
