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

package storetest

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// moment is a time with microsecond precision (what PostgreSQL keeps) outside UTC.
func moment(minute int) time.Time {
	return time.Date(2021, 3, 14, 15, minute, 26, 535897000, time.FixedZone("CET", 3600))
}

func testRuntimes(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	put(t, s, a)
	put(t, s, b)
	if err := s.PutRuntimes(t.Context(), nil); err != nil {
		t.Errorf("PutRuntimes(none) = %v", err)
	}
	first := []store.Runtime{
		{ClusterID: a.ID, Heartbeat: protocol.Heartbeat{KubernetesVersion: "v1.33.1", NodeCount: 3, CoreCount: 12,
			AgentVersion: "0.1.0", AgentMemoryBytes: 64 << 20}, LastHeartbeat: moment(1), CertificateNotAfter: moment(2)},
		{ClusterID: b.ID, Heartbeat: protocol.Heartbeat{NodeCount: 1}, LastHeartbeat: moment(3)},
		// A cluster deleted while its heartbeat waited to be written is not brought back.
		{ClusterID: clusterID("sub", "rg", "deleted"), LastHeartbeat: moment(4)},
	}
	if err := s.PutRuntimes(t.Context(), first); err != nil {
		t.Fatalf("PutRuntimes = %v", err)
	}
	wantRuntimes(t, s, first[:2])
	second := []store.Runtime{{ClusterID: a.ID, Heartbeat: protocol.Heartbeat{KubernetesVersion: "v1.34.0"}, LastHeartbeat: moment(5)}}
	if err := s.PutRuntimes(t.Context(), second); err != nil {
		t.Fatalf("PutRuntimes = %v", err)
	}
	wantRuntimes(t, s, []store.Runtime{second[0], first[1]})
	// A replica flushing late what an agent said before it moved to another replica, or one
	// that never saw a heartbeat, does not take the cluster's heartbeat or certificate back.
	stale := []store.Runtime{
		{ClusterID: a.ID, Heartbeat: protocol.Heartbeat{KubernetesVersion: "v1.33.1"}, LastHeartbeat: moment(4), CertificateNotAfter: moment(9)},
		{ClusterID: b.ID, CertificateNotAfter: moment(9)},
	}
	if err := s.PutRuntimes(t.Context(), stale); err != nil {
		t.Fatalf("PutRuntimes(stale) = %v", err)
	}
	wantRuntimes(t, s, []store.Runtime{second[0], first[1]})
}

// wantRuntimes checks ListRuntimes, in any order.
func wantRuntimes(t *testing.T, s store.Store, want []store.Runtime) {
	t.Helper()
	got, err := s.ListRuntimes(t.Context())
	if err != nil {
		t.Fatalf("ListRuntimes = %v", err)
	}
	byID := func(a, b store.Runtime) int { return strings.Compare(a.ClusterID, b.ClusterID) }
	slices.SortFunc(got, byID)
	want = slices.Clone(want)
	slices.SortFunc(want, byID)
	same := func(a, b store.Runtime) bool {
		return a.ClusterID == b.ClusterID && reflect.DeepEqual(a.Heartbeat, b.Heartbeat) && a.LastHeartbeat.Equal(b.LastHeartbeat) &&
			a.CertificateNotAfter.Equal(b.CertificateNotAfter) && inUTC(a.LastHeartbeat) && inUTC(a.CertificateNotAfter)
	}
	if !slices.EqualFunc(got, want, same) {
		t.Errorf("ListRuntimes =\n%+v\nwant (times in UTC)\n%+v", got, want)
	}
}

// inUTC reports whether t is in UTC or zero.
func inUTC(t time.Time) bool { return t.IsZero() || t.Location() == time.UTC }

func testStatuses(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	// The hub-owned objects reported below are desired (see testStatusesOfUndesiredObjects).
	put(t, s, a, profile(a.ID, "1.0.0"), extensionObject(a.ID, "monitor", false))
	put(t, s, b, extensionObject(b.ID, "monitor", false))
	err := s.PutStatuses(t.Context(), clusterID("sub", "rg", "absent"), store.Puts(status(kindExtension, "x", "", "Failed")))
	wantErrorIs(t, "PutStatuses of an absent cluster", err, store.ErrNotFound)
	puts := []struct {
		cluster  string
		statuses []protocol.ObjectStatus
	}{
		{a.ID, []protocol.ObjectStatus{status(kindExtension, "monitor", "3", "Installing"), status(protocol.KindAgentProfile, "default", "2", "Ready")}},
		{strings.ToUpper(a.ID), []protocol.ObjectStatus{status(kindExtension, "monitor", "3", "Installed"), status("GitOpsConfiguration", "local", "", "Compliant")}},
		{b.ID, []protocol.ObjectStatus{status(kindExtension, "monitor", "7", "Failed")}},
		{a.ID, nil},
	}
	for _, p := range puts {
		if err := s.PutStatuses(t.Context(), p.cluster, store.Puts(p.statuses...)); err != nil {
			t.Fatalf("PutStatuses(%s) = %v", p.cluster, err)
		}
	}
	tests := []struct {
		cluster string
		want    []protocol.ObjectStatus
	}{
		{a.ID, []protocol.ObjectStatus{status(protocol.KindAgentProfile, "default", "2", "Ready"),
			status(kindExtension, "monitor", "3", "Installed"), status("GitOpsConfiguration", "local", "", "Compliant")}},
		{strings.ToLower(b.ID), []protocol.ObjectStatus{status(kindExtension, "monitor", "7", "Failed")}},
		{clusterID("sub", "rg", "absent"), nil},
	}
	for _, tt := range tests {
		got, err := s.ListStatuses(t.Context(), tt.cluster)
		if err != nil || !slices.EqualFunc(got, tt.want, sameStatus) {
			t.Errorf("ListStatuses(%s) = %+v, %v; want, by kind and name, %+v", tt.cluster, got, err, tt.want)
		}
	}
}

// status is an ObjectStatus of kind and name with observedResourceVersion rv and a phase.
func status(kind, name, rv, phase string) protocol.ObjectStatus {
	return protocol.ObjectStatus{Kind: kind, Name: name, ObservedResourceVersion: rv,
		Status: json.RawMessage(`{"phase":"` + phase + `"}`)}
}

func sameStatus(a, b protocol.ObjectStatus) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.ObservedResourceVersion == b.ObservedResourceVersion &&
		jsonEqual(a.Status, b.Status)
}
