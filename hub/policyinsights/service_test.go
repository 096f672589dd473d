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

package policyinsights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const testSub = "sub-1"

// fixture is a Service on a SQLite store in a temporary directory, with a clock the test
// moves.
type fixture struct {
	t   testing.TB
	st  store.Store
	svc *Service
	now time.Time
	// assignments are the clusters of each assignment; token their evaluation request.
	assignments map[string][]string
	token       string
}

func newFixture(t testing.TB) *fixture {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f := &fixture{t: t, st: st, now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), assignments: map[string][]string{}}
	f.svc = &Service{Store: st, Evaluations: &requester{f: f}, Now: func() time.Time { return f.now }}
	return f
}

// cluster stores a connectedCluster and returns its ID.
func (f *fixture) cluster(group, name string) string {
	f.t.Helper()
	id := "/subscriptions/" + testSub + "/resourceGroups/" + group + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
	if _, err := f.st.PutResource(context.Background(), &store.Resource{ID: id, Type: clusterType, Subscription: testSub,
		ResourceGroup: group, Body: json.RawMessage(`{"location":"westeurope"}`)}, store.IfAbsent()); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// assign stores a subscription's policy assignment (deny) with its PolicySync on clusters,
// and returns the assignment's ID.
func (f *fixture) assign(name string, clusters ...string) string {
	f.t.Helper()
	id := "/subscriptions/" + testSub + "/providers/Microsoft.Authorization/policyAssignments/" + name
	f.assignments[id] = clusters
	f.write(id)
	return id
}

// write stores an assignment with its PolicySync, carrying the fixture's evaluation request,
// on its clusters.
func (f *fixture) write(assignmentID string) {
	f.t.Helper()
	spec, _ := json.Marshal(protocol.PolicySyncSpec{AssignmentID: assignmentID, DefinitionID: "/providers/Microsoft.Authorization/policyDefinitions/d",
		EnforcementAction: protocol.EnforcementDeny, Template: "kind: ConstraintTemplate", EvaluationRequest: f.token})
	clusters := f.assignments[assignmentID]
	changes := make([]store.DesiredChange, 0, len(clusters))
	for _, c := range clusters {
		changes = append(changes, store.DesiredChange{ClusterID: c, Kind: protocol.KindPolicySync, Name: protocol.PolicySyncName(assignmentID), Spec: spec})
	}
	if _, err := f.st.PutResource(context.Background(), &store.Resource{ID: assignmentID, Type: "Microsoft.Authorization/policyAssignments",
		Subscription: testSub, Body: json.RawMessage(`{}`)}, store.Precondition{}, changes...); err != nil {
		f.t.Fatal(err)
	}
}

// requester plays hub/policy: a new evaluation request on every PolicySync of the fixture.
type requester struct {
	f      *fixture
	scopes []string
	err    error
}

func (r *requester) RequestEvaluation(_ context.Context, scope string) error {
	r.scopes = append(r.scopes, scope)
	if r.err != nil {
		return r.err
	}
	r.f.token = fmt.Sprintf("request-%d", len(r.scopes))
	for id := range r.f.assignments {
		r.f.write(id)
	}
	return nil
}

// report stores the agent's status of the assignment's PolicySync on cluster: raw JSON, or
// a value to encode.
func (f *fixture) report(cluster, assignmentID string, status any) {
	f.t.Helper()
	raw, ok := status.(json.RawMessage)
	if !ok {
		raw, _ = json.Marshal(status)
	}
	name := protocol.PolicySyncName(assignmentID)
	if err := f.st.PutStatuses(context.Background(), cluster, store.Puts(protocol.ObjectStatus{Kind: protocol.KindPolicySync, Name: name,
		ObservedResourceVersion: f.desiredRV(cluster, name), Status: raw})); err != nil {
		f.t.Fatal(err)
	}
}

// desiredRV is the resourceVersion of the cluster's desired PolicySync name; "" if none.
func (f *fixture) desiredRV(cluster, name string) string {
	f.t.Helper()
	state, err := f.st.DesiredState(context.Background(), cluster)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, o := range state.Items {
		if o.Kind == protocol.KindPolicySync && o.Name == name {
			return o.ResourceVersion
		}
	}
	return ""
}

// states returns "state owner" of each policy state the request covers, by assignment name.
func (f *fixture) states(req *Request) map[string]string {
	f.t.Helper()
	res, err := f.svc.PolicyStates(context.Background(), req)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range res.Value {
		out[s.PolicyAssignmentName] = s.ComplianceState + " " + s.PolicyAssignmentOwner
	}
	return out
}

func TestStatesFromWhatAgentsReport(t *testing.T) {
	f := newFixture(t)
	c1 := f.cluster("rg", "c1")
	ids := map[string]string{}
	for _, name := range []string{"garbage", "odd", "lower", "silent"} {
		ids[name] = f.assign(name, c1)
	}
	f.report(c1, ids["garbage"], json.RawMessage(`[1, 2]`))
	f.report(c1, ids["odd"], protocol.PolicySyncStatus{ComplianceState: "Broken"})
	f.report(c1, ids["lower"], protocol.PolicySyncStatus{ComplianceState: "noncompliant"})
	local := &protocol.PolicySyncSpec{AssignmentID: "/subscriptions/" + testSub + "/providers/Microsoft.Authorization/policyAssignments/local"}
	for name, spec := range map[string]*protocol.PolicySyncSpec{"local": local, "anonymous": {}} {
		raw, _ := json.Marshal(protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, ClusterOwned: spec})
		if err := f.st.PutStatuses(context.Background(), c1, store.Puts(protocol.ObjectStatus{Kind: protocol.KindPolicySync, Name: name, Status: raw})); err != nil {
			t.Fatal(err)
		}
	}

	got := f.states(&Request{Scope: Scope{Subscription: testSub}})
	want := map[string]string{"garbage": "Unknown ", "odd": "Unknown ", "lower": "NonCompliant ", "silent": "Unknown ", "local": "Compliant cluster"}
	if len(got) != len(want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("state of %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestStatesInTimeRange(t *testing.T) {
	f := newFixture(t)
	c1 := f.cluster("rg", "c1")
	old, recent := f.assign("old", c1), f.assign("recent", c1)
	f.report(c1, old, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, AuditTimestamp: "2026-11-20T00:00:00Z"})
	f.report(c1, recent, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, AuditTimestamp: "2026-11-23T00:00:00Z"})
	for _, tt := range []struct {
		from, to time.Time
		want     string
	}{
		{time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), time.Time{}, "recent"},
		{time.Time{}, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), "old"},
	} {
		got := f.states(&Request{Scope: Scope{Subscription: testSub}, Query: Query{From: tt.from, To: tt.to}})
		if _, ok := got[tt.want]; len(got) != 1 || !ok {
			t.Errorf("from %v to %v: %v, want %s only", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestEvaluationWaitsForEveryAgentThenForItsBound(t *testing.T) {
	f := newFixture(t)
	c1, c2 := f.cluster("rg", "c1"), f.cluster("rg", "c2")
	a := f.assign("a", c1, c2)
	ev, err := f.svc.TriggerEvaluation(context.Background(), Scope{Subscription: testSub, ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.svc.Evaluations.(*requester).scopes; len(got) != 1 || got[0] != "/subscriptions/"+testSub+"/resourceGroups/rg" {
		t.Errorf("requested evaluations of %v, want the resource group", got)
	}
	done := func() bool {
		t.Helper()
		got, err := f.svc.Evaluation(context.Background(), testSub, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := f.svc.EvaluationDone(context.Background(), got)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	f.report(c1, a, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, EvaluationRequest: f.token})
	f.report(c2, a, protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, EvaluationRequest: "an older one"})
	if done() {
		t.Error("done while c2 has not answered")
	}
	f.now = f.now.Add(DefaultEvaluationTimeout - time.Second)
	if done() {
		t.Error("done before the bound")
	}
	f.now = f.now.Add(time.Second)
	if !done() {
		t.Error("not done at the bound")
	}
}

func TestEvaluationsAreForgottenAfterADay(t *testing.T) {
	f := newFixture(t)
	old, err := f.svc.TriggerEvaluation(context.Background(), Scope{Subscription: testSub})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(evaluationRetention + time.Second)
	if _, err := f.svc.TriggerEvaluation(context.Background(), Scope{Subscription: testSub}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Evaluation(context.Background(), testSub, old.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("an evaluation of a day ago: %v, want ErrNotFound", err)
	}
}

func TestFailedRequestRecordsNoEvaluation(t *testing.T) {
	f := newFixture(t)
	f.svc.Evaluations.(*requester).err = errors.New("store unavailable")
	if _, err := f.svc.TriggerEvaluation(context.Background(), Scope{Subscription: testSub}); err == nil || !strings.Contains(err.Error(), "store unavailable") {
		t.Errorf("TriggerEvaluation = %v, want the requester's error", err)
	}
	if list, _ := f.st.ListResources(context.Background(), store.ListQuery{Type: evaluationType}); len(list) != 0 {
		t.Errorf("evaluations recorded: %d", len(list))
	}
}
