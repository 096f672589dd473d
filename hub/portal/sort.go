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

package portal

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/store"
)

// sortOrder is a fleet sort the user can pick: its query value and label.
type sortOrder struct {
	Value, Label string
	// key is what the clusters are ordered by; nil for the store's own order (by ID), which
	// pages through the store without reading every cluster.
	key  func(res *store.Resource, rt store.Runtime, st connectivity.Status) string
	desc bool
}

// sortOrders are the fleet's sorts; the first is the default.
var sortOrders = []sortOrder{
	{Value: "name", Label: "Resource ID (A to Z)"},
	{Value: "-name", Label: "Resource ID (Z to A)", key: byID, desc: true},
	{Value: "connectivity", Label: "Connectivity", key: func(_ *store.Resource, _ store.Runtime, st connectivity.Status) string {
		return strconv.Itoa(slices.Index(statuses, st))
	}},
	{Value: "-heartbeat", Label: "Last heartbeat (oldest first)", key: byHeartbeat},
	{Value: "heartbeat", Label: "Last heartbeat (newest first)", key: byHeartbeat, desc: true},
	{Value: "version", Label: "Kubernetes version (oldest first)", key: byVersion},
	{Value: "-version", Label: "Kubernetes version (newest first)", key: byVersion, desc: true},
}

func byID(res *store.Resource, _ store.Runtime, _ connectivity.Status) string {
	return strings.ToLower(res.ID)
}

func byHeartbeat(_ *store.Resource, rt store.Runtime, _ connectivity.Status) string {
	return rt.LastHeartbeat.UTC().Format("2006-01-02T15:04:05.000000000")
}

// byVersion orders v1.9 before v1.10: each numeric part is padded.
func byVersion(_ *store.Resource, rt store.Runtime, _ connectivity.Status) string {
	parts := strings.FieldsFunc(strings.TrimPrefix(rt.Heartbeat.KubernetesVersion, "v"), func(r rune) bool { return r == '.' || r == '-' || r == '+' })
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			parts[i] = strings.Repeat("0", max(0, 6-len(p))) + p
		}
	}
	return strings.Join(parts, ".")
}

// sortFor returns the sort a query names, the default for anything else.
func sortFor(value string) sortOrder {
	for _, s := range sortOrders {
		if s.Value == value {
			return s
		}
	}
	return sortOrders[0]
}

// sortKey is a selected cluster's ID and the key it is sorted by.
type sortKey struct{ key, id string }

// sortedIDs sorts keys in order (ties by ID) and returns the IDs of the page at offset start
// and whether more follow.
func sortedIDs(keys []sortKey, order sortOrder, start, size int) ([]string, bool) {
	slices.SortFunc(keys, func(a, b sortKey) int {
		c := cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(strings.ToLower(a.id), strings.ToLower(b.id)))
		if order.desc {
			return -c
		}
		return c
	})
	start = min(max(start, 0), len(keys))
	end := min(start+size, len(keys))
	ids := make([]string, 0, end-start)
	for _, k := range keys[start:end] {
		ids = append(ids, k.id)
	}
	return ids, end < len(keys)
}
