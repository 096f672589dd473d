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

package report

import (
	"cmp"
	"slices"

	"github.com/go-logr/logr"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// maxBatchBytes bounds the status payloads of one report, well under the hub's default
// body limit (4 MiB).
const maxBatchBytes = 1 << 20

// valid drops the statuses the hub would refuse (protocol's rules, which the hub applies),
// logging each: one object the hub cannot take must not hold back the others' reports.
func valid(log logr.Logger, statuses []protocol.ObjectStatus) []protocol.ObjectStatus {
	return slices.DeleteFunc(statuses, func(s protocol.ObjectStatus) bool {
		err := s.Validate()
		if err != nil {
			log.Info("Not reporting a status the hub would refuse", "kind", s.Kind, "name", s.Name, "error", err.Error())
		}
		return err != nil
	})
}

// batches splits statuses into reports the hub accepts, hub-owned objects first: a hub
// that refuses more cluster-owned objects still hears about its own.
func batches(statuses []protocol.ObjectStatus) [][]protocol.ObjectStatus {
	slices.SortStableFunc(statuses, func(a, b protocol.ObjectStatus) int {
		return cmp.Compare(clusterOwned(a), clusterOwned(b))
	})
	var out [][]protocol.ObjectStatus
	size := 0
	for _, s := range statuses {
		last := len(out) - 1
		if last < 0 || len(out[last]) == protocol.MaxReportItems || size+len(s.Status) > maxBatchBytes {
			out = append(out, nil)
			last, size = last+1, 0
		}
		out[last] = append(out[last], s)
		size += len(s.Status)
	}
	return out
}

// clusterOwned orders cluster-owned statuses (no observedResourceVersion) after the hub's.
func clusterOwned(s protocol.ObjectStatus) int {
	if s.ObservedResourceVersion == "" {
		return 1
	}
	return 0
}
