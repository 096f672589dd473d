// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func assignmentPath(scope, name string) string {
	return scope + "/providers/Microsoft.Authorization/policyAssignments/" + name
}

// noPrivilegeBody is an assignment of the built-in "no privileged containers".
func noPrivilegeBody(params map[string]any) map[string]any {
	values := map[string]any{}
	for k, v := range params {
		values[k] = map[string]any{"value": v}
	}
	return map[string]any{"properties": map[string]any{"policyDefinitionId": builtinDefinitionID(builtinNoPrivilege), "parameters": values}}
}

// eventually retries check until it returns "" or the time is up, then fails with its answer.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s", what, msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncsOf describes the assignments of an agent's PolicySyncs, for eventually.
func (th *testHub) syncsOf(agent *http.Client, ids ...string) string {
	got := th.policySyncs(agent)
	if len(got) != len(ids) {
		return fmt.Sprintf("%d PolicySyncs, want %d", len(got), len(ids))
	}
	for _, id := range ids {
		if _, ok := got[protocol.PolicySyncName(id)]; !ok {
			return "no PolicySync of " + id
		}
	}
	return ""
}

// TestPolicyResyncAtStartUp: a PolicySync missing from a cluster, and one of an assignment that
// no longer exists, are repaired by the resync of every cluster when the hub starts.
func TestPolicyResyncAtStartUp(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.PolicyResyncInterval = time.Hour }})
	agent := th.agentInGroup(rg, "c1")
	id := assignmentPath(subscriptionScope(), "no-privilege")
	if r := th.do(http.MethodPut, id+apiPolicy, th.AdminToken, noPrivilegeBody(nil)); r.status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}
	gone := assignmentPath(subscriptionScope(), "gone")
	spec, _ := json.Marshal(protocol.PolicySyncSpec{AssignmentID: gone})
	c1 := clusterPath(sub, rg, "c1")
	if err := th.Store().PutDesired(t.Context(), nil,
		store.DesiredChange{ClusterID: c1, Kind: protocol.KindPolicySync, Name: protocol.PolicySyncName(id), Delete: true},
		store.DesiredChange{ClusterID: c1, Kind: protocol.KindPolicySync, Name: protocol.PolicySyncName(gone), Spec: spec}); err != nil {
		t.Fatal(err)
	}
	th.wantPolicySyncs(agent, "as the test left it", gone)
	th = th.restart()
	eventually(t, "PolicySyncs after the restart", func() string { return th.syncsOf(agent, id) })
}

// TestClustersCreatedWithAnAssignmentGetIt: clusters created at the same moment as an
// assignment of their subscription all end with its PolicySync, from their own write, the
// assignment's, or the resync of recently written clusters.
func TestClustersCreatedWithAnAssignmentGetIt(t *testing.T) {
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) { cfg.PolicyResyncInterval = 50 * time.Millisecond }})
	id := assignmentPath(subscriptionScope(), "no-privilege")
	const clusters = 6
	keys := make([]agentKey, clusters)
	statuses := make(chan int, clusters+1)
	var wg sync.WaitGroup
	for i := range clusters {
		keys[i] = newAgentKey(t)
		body, _ := json.Marshal(clusterBody(keys[i]))
		wg.Go(func() {
			statuses <- rawDo(th, http.MethodPut, clusterPath(sub, rg, fmt.Sprintf("race-%d", i))+api2024, body)
		})
	}
	body, _ := json.Marshal(noPrivilegeBody(nil))
	wg.Go(func() { statuses <- rawDo(th, http.MethodPut, id+apiPolicy, body) })
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusCreated {
			t.Fatalf("a concurrent write answered %d", s)
		}
	}
	for i := range clusters {
		r, cert := th.register(clusterPath(sub, rg, fmt.Sprintf("race-%d", i)), keys[i])
		if cert == nil {
			t.Fatalf("registering: %d %s", r.status, r.raw)
		}
		agent := th.client(cert)
		eventually(t, fmt.Sprintf("PolicySyncs of race-%d", i), func() string { return th.syncsOf(agent, id) })
	}
}

// TestConcurrentAssignmentWrites: writers racing on one assignment get 201 or 409, never a
// 5xx, and the clusters end with the PolicySync of what is stored.
func TestConcurrentAssignmentWrites(t *testing.T) {
	th := newTestHub(t)
	agent := th.agentInGroup(rg, "c1")
	id := assignmentPath(groupScope(rg), "no-privilege")
	const writers = 8
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for i := range writers {
		body, _ := json.Marshal(noPrivilegeBody(map[string]any{"excludedContainers": []string{fmt.Sprintf("c%d", i)}}))
		wg.Go(func() { statuses <- rawDo(th, http.MethodPut, id+apiPolicy, body) })
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusCreated && s != http.StatusConflict {
			t.Errorf("a racing writer got %d, want 201 or 409", s)
		}
	}
	stored := th.do(http.MethodGet, id+apiPolicy, th.AdminToken, nil)
	params, _ := json.Marshal(stored.props()["parameters"].(map[string]any)["excludedContainers"].(map[string]any)["value"])
	spec := th.policySyncs(agent)[protocol.PolicySyncName(id)]
	if !bytes.Contains(spec.Parameters, params) {
		t.Errorf("the cluster's PolicySync has %s, the stored assignment %s", spec.Parameters, params)
	}
}

// rawDo sends a request as the admin from any goroutine and returns its status (0 when it
// failed).
func rawDo(th *testHub, method, path string, body []byte) int {
	req, err := http.NewRequestWithContext(context.Background(), method, th.url(path), bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+th.AdminToken)
	resp, err := th.client(nil).Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// TestPolicyAuthorization: policy writes need the right at their scope; readers of a resource
// group see the policy that applies to it, from above too.
func TestPolicyAuthorization(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	contributor := th.token(th.AdminToken, "contrib", "Contributor", groupScope(rg))
	reader := th.token(th.AdminToken, "reader", "Reader", groupScope(rg))
	if r := th.do(http.MethodPut, assignmentPath(subscriptionScope(), "sub")+apiPolicy, th.AdminToken, noPrivilegeBody(nil)); r.status != http.StatusCreated {
		t.Fatalf("PUT as the admin: %d %s", r.status, r.raw)
	}
	definitions := subscriptionScope() + "/providers/Microsoft.Authorization/policyDefinitions"
	for _, tt := range []struct {
		token, method, path string
		body                any
		status              int
	}{
		{contributor, http.MethodPut, assignmentPath(groupScope(rg), "rg") + apiPolicy, noPrivilegeBody(nil), http.StatusCreated},
		{contributor, http.MethodPut, assignmentPath(clusterPath(sub, rg, "c1"), "c") + apiPolicy, noPrivilegeBody(nil), http.StatusCreated},
		{contributor, http.MethodPut, assignmentPath(subscriptionScope(), "x") + apiPolicy, noPrivilegeBody(nil), http.StatusForbidden},
		{contributor, http.MethodPut, assignmentPath(groupScope("other"), "x") + apiPolicy, noPrivilegeBody(nil), http.StatusForbidden},
		{contributor, http.MethodDelete, assignmentPath(subscriptionScope(), "sub") + apiPolicy, nil, http.StatusForbidden},
		{contributor, http.MethodPut, definitions + "/d" + apiPolicy, map[string]any{}, http.StatusForbidden},
		{reader, http.MethodPut, assignmentPath(groupScope(rg), "r") + apiPolicy, noPrivilegeBody(nil), http.StatusForbidden},
		{reader, http.MethodGet, assignmentPath(subscriptionScope(), "sub") + apiPolicy, nil, http.StatusOK},
		{reader, http.MethodGet, definitions + apiPolicy, nil, http.StatusOK},
		{reader, http.MethodGet, "/providers/Microsoft.Authorization/policyDefinitions/" + builtinNoPrivilege + apiPolicy, nil, http.StatusOK},
		{reader, http.MethodGet, assignmentPath(groupScope("other"), "x") + apiPolicy, nil, http.StatusForbidden},
		{"", http.MethodGet, definitions + apiPolicy, nil, http.StatusUnauthorized},
	} {
		if r := th.do(tt.method, tt.path, tt.token, tt.body); r.status != tt.status {
			t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, r.status, r.raw, tt.status)
		}
	}
	listing := th.do(http.MethodGet, groupScope(rg)+"/providers/Microsoft.Authorization/policyAssignments"+apiPolicy, reader, nil)
	if n := len(listing.body["value"].([]any)); listing.status != http.StatusOK || n != 2 {
		t.Errorf("a reader's listing of its resource group: %d, %d assignments, want the subscription's and the group's (and the cluster's on the next page)", listing.status, n)
	}
}

// TestPolicyConditionalRequests: assignments and definitions have etags and honour If-Match
// and If-None-Match as clusters and nested kinds do.
func TestPolicyConditionalRequests(t *testing.T) {
	th := newTestHub(t)
	path := assignmentPath(groupScope(rg), "a") + apiPolicy
	created := th.conditional(t, http.MethodPut, path, map[string]string{"If-None-Match": "*"}, noPrivilegeBody(nil))
	if created.status != http.StatusCreated || created.header == "" || created.header != created.bodyETag {
		t.Fatalf("PUT If-None-Match: * of a new assignment = %+v", created)
	}
	for _, tt := range []struct {
		method string
		h      map[string]string
		body   any
		status int
	}{
		{http.MethodPut, map[string]string{"If-None-Match": "*"}, noPrivilegeBody(nil), http.StatusPreconditionFailed},
		{http.MethodPut, map[string]string{"If-Match": `"0"`}, noPrivilegeBody(nil), http.StatusPreconditionFailed},
		{http.MethodDelete, map[string]string{"If-Match": `"0"`}, nil, http.StatusPreconditionFailed},
		{http.MethodPut, map[string]string{"If-Match": created.header}, noPrivilegeBody(nil), http.StatusCreated},
		{http.MethodPut, map[string]string{"If-Match": created.header}, noPrivilegeBody(nil), http.StatusPreconditionFailed},
	} {
		if got := th.conditional(t, tt.method, path, tt.h, tt.body); got.status != tt.status || (got.status == http.StatusPreconditionFailed && got.code != "PreconditionFailed") {
			t.Errorf("%s %v: %+v, want %d", tt.method, tt.h, got, tt.status)
		}
	}
	current := th.conditional(t, http.MethodGet, path, nil, nil)
	if got := th.conditional(t, http.MethodDelete, path, map[string]string{"If-Match": current.header}, nil); got.status != http.StatusOK {
		t.Errorf("DELETE with the current etag: %+v", got)
	}
	def := subscriptionScope() + "/providers/Microsoft.Authorization/policyDefinitions/d" + apiPolicy
	body := map[string]any{"properties": map[string]any{"mode": "All", "policyRule": map[string]any{"if": map[string]any{}, "then": map[string]any{"effect": "audit"}}}}
	if got := th.conditional(t, http.MethodPut, def, map[string]string{"If-Match": "*"}, body); got.status != http.StatusPreconditionFailed {
		t.Errorf("PUT If-Match: * of a new definition: %+v, want 412", got)
	}
}
