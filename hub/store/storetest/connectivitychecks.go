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
	"reflect"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// testConnectivityChecks: each cluster keeps the latest report alone, read back as written
// (the cluster's ID in any case); none for a cluster that never sent any or does not exist;
// they go with their cluster.
func testConnectivityChecks(t *testing.T, s store.Store) {
	a, b := newCluster("sub", "rg", "a"), newCluster("sub", "rg", "b")
	put(t, s, a)
	put(t, s, b)
	report := func(minute int, result string) store.ConnectivityChecks {
		return store.ConnectivityChecks{ReceivedAt: moment(minute).UTC(), Checks: []protocol.ConnectivityCheck{
			{Name: protocol.CheckDNS, Result: protocol.CheckPassed, Message: "hub resolves to 10.0.0.1", DurationMilliseconds: 3, Time: moment(minute).UTC()},
			{Name: protocol.CheckTLS, Result: result, Message: "<the hub's certificate> & more", Time: moment(minute).UTC()},
		}}
	}
	first, latest := report(1, protocol.CheckFailed), report(2, protocol.CheckPassed)
	for _, c := range []store.ConnectivityChecks{first, latest} {
		if err := s.PutConnectivityChecks(t.Context(), a.ID, c); err != nil {
			t.Fatalf("PutConnectivityChecks = %v", err)
		}
	}
	got, err := s.GetConnectivityChecks(t.Context(), strings.ToUpper(a.ID))
	if err != nil {
		t.Fatalf("GetConnectivityChecks = %v", err)
	}
	if !reflect.DeepEqual(*got, latest) {
		t.Errorf("GetConnectivityChecks = %+v, want the latest report %+v", *got, latest)
	}
	_, err = s.GetConnectivityChecks(t.Context(), b.ID)
	wantErrorIs(t, "GetConnectivityChecks of a cluster that sent none", err, store.ErrNotFound)
	missing := clusterID("sub", "rg", "missing")
	wantErrorIs(t, "PutConnectivityChecks of a missing cluster", s.PutConnectivityChecks(t.Context(), missing, latest), store.ErrNotFound)
	_, err = s.GetConnectivityChecks(t.Context(), missing)
	wantErrorIs(t, "GetConnectivityChecks of a missing cluster", err, store.ErrNotFound)

	if err := s.DeleteResource(t.Context(), a.ID, store.Always()); err != nil {
		t.Fatalf("DeleteResource = %v", err)
	}
	put(t, s, a)
	_, err = s.GetConnectivityChecks(t.Context(), a.ID)
	wantErrorIs(t, "GetConnectivityChecks of a cluster deleted and created again", err, store.ErrNotFound)
}
