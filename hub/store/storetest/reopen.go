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
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// snapshot is everything a store holds about one cluster, as read back from it.
type snapshot struct {
	Resources []*store.Resource
	State     protocol.DesiredState
	Runtimes  []store.Runtime
	Statuses  []protocol.ObjectStatus
	Tokens    []*store.Token
}

func takeSnapshot(t *testing.T, s store.Store, cluster string) snapshot {
	t.Helper()
	var snap snapshot
	var errs [4]error
	snap.Resources, errs[0] = s.ListResources(t.Context(), store.ListQuery{})
	snap.State = state(t, s, cluster)
	snap.Runtimes, errs[1] = s.ListRuntimes(t.Context())
	snap.Statuses, errs[2] = s.ListStatuses(t.Context(), cluster)
	snap.Tokens, errs[3] = s.ListTokens(t.Context())
	for _, err := range errs {
		if err != nil {
			t.Fatalf("reading the store: %v", err)
		}
	}
	return snap
}

// testReopen checks that everything survives closing the store and opening it again.
func testReopen(t *testing.T, open Opener) {
	name := storeName(t)
	s := open(t, name)
	c := newCluster("sub", "rg", "c")
	put(t, s, c, profile(c.ID, "1.0.0"), extensionObject(c.ID, "old", false))
	put(t, s, newExtension(c, "monitor"), extensionObject(c.ID, "monitor", false))
	put(t, s, c, extensionObject(c.ID, "old", true))
	compact(t, s, time.Now().Add(time.Hour))
	if err := s.PutRuntimes(t.Context(), []store.Runtime{{ClusterID: c.ID, LastHeartbeat: moment(1),
		Heartbeat: protocol.Heartbeat{NodeCount: 2}}}); err != nil {
		t.Fatalf("PutRuntimes = %v", err)
	}
	if err := s.PutStatuses(t.Context(), c.ID, store.Puts(protocol.ObjectStatus{Kind: kindExtension, Name: "monitor",
		Status: json.RawMessage(`{"phase":"Installed"}`)})); err != nil {
		t.Fatalf("PutStatuses = %v", err)
	}
	createToken(t, s, newToken("kept", moment(1), time.Time{}))
	createToken(t, s, newToken("revoked", moment(2), time.Time{}))
	if err := s.RevokeToken(t.Context(), "revoked"); err != nil {
		t.Fatalf("RevokeToken = %v", err)
	}
	before := takeSnapshot(t, s, c.ID)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	s = openStore(t, open, name)
	if after := takeSnapshot(t, s, c.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("after reopening the store holds\n%+v\nwant\n%+v", after, before)
	}
	_, _, err := s.DesiredChanges(t.Context(), c.ID, "0")
	wantErrorIs(t, "DesiredChanges(0) behind the compaction horizon, after reopening", err, store.ErrGone)
	if created := put(t, s, c, profile(c.ID, "2.0.0")); created {
		t.Error("PutResource after reopening created the resource again")
	}
	if rv := state(t, s, c.ID).ResourceVersion; rvNum(t, rv) <= rvNum(t, before.State.ResourceVersion) {
		t.Errorf("after reopening, a change got resourceVersion %s, not above %s", rv, before.State.ResourceVersion)
	}
}
