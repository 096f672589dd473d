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
	"fmt"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Benchmark sizes: a subscription of benchClusters clusters, each with benchAssignments
// policy assignments.
const benchClusters, benchAssignments = 1000, 20

// BenchmarkSummarizeSubscription summarizes a subscription's policy states from a SQLite
// store: every cluster's desired state and statuses are read and rolled up. One state in
// ten is NonCompliant with three violations, one in twenty-five has no report yet.
func BenchmarkSummarizeSubscription(b *testing.B) {
	f := newFixture(b)
	clusters := make([]string, benchClusters)
	for i := range clusters {
		clusters[i] = f.cluster(fmt.Sprintf("rg-%d", i%10), fmt.Sprintf("c%04d", i))
	}
	assignments := make([]string, benchAssignments)
	for j := range assignments {
		assignments[j] = f.benchAssign(fmt.Sprintf("a%02d", j), clusters)
	}
	for i, c := range clusters {
		f.benchReports(i, c, assignments)
	}
	req := &Request{Scope: Scope{Subscription: testSub}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := f.svc.Summarize(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if got := len(res.Value[0].PolicyAssignments); got != benchAssignments {
			b.Fatalf("%d assignments summarized, want %d", got, benchAssignments)
		}
	}
}

// benchTemplate is a ConstraintTemplate of a realistic size (about 1.5 KB).
var benchTemplate = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\n" + strings.Repeat("# rego line of the template\n", 52)

// benchAssign writes an assignment's PolicySync to every cluster in one write.
func (f *fixture) benchAssign(name string, clusters []string) string {
	id := "/subscriptions/" + testSub + "/providers/Microsoft.Authorization/policyAssignments/" + name
	spec, _ := json.Marshal(protocol.PolicySyncSpec{AssignmentID: id, DefinitionID: "/providers/Microsoft.Authorization/policyDefinitions/" + name,
		EnforcementAction: protocol.EnforcementDeny, Template: benchTemplate, Parameters: json.RawMessage(`{"labels":["owner"]}`)})
	changes := make([]store.DesiredChange, 0, len(clusters))
	for _, c := range clusters {
		changes = append(changes, store.DesiredChange{ClusterID: c, Kind: protocol.KindPolicySync, Name: protocol.PolicySyncName(id), Spec: spec})
	}
	if _, err := f.st.PutResource(context.Background(), &store.Resource{ID: id, Type: "Microsoft.Authorization/policyAssignments",
		Subscription: testSub, Body: json.RawMessage(`{}`)}, store.IfAbsent(), changes...); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// benchReports stores the reports of cluster number i for the assignments, in one write.
func (f *fixture) benchReports(i int, cluster string, assignments []string) {
	statuses := make([]protocol.ObjectStatus, 0, len(assignments))
	for j, a := range assignments {
		st := protocol.PolicySyncStatus{ComplianceState: protocol.PolicyCompliant, Enforced: true, EnforcementAction: protocol.EnforcementDeny,
			AuditTimestamp: "2026-11-23T10:00:00Z"}
		switch {
		case (i+j)%25 == 1:
			continue
		case (i+j)%10 == 0:
			st.ComplianceState, st.TotalViolations = protocol.PolicyNonCompliant, 3
			for k := range 3 {
				st.Violations = append(st.Violations, protocol.PolicyViolation{Version: "v1", Kind: "Pod", Namespace: "team", Name: fmt.Sprintf("web-%d", k),
					Message: "you must provide labels: {\"owner\"}", EnforcementAction: protocol.EnforcementDeny})
			}
		}
		raw, _ := json.Marshal(st)
		name := protocol.PolicySyncName(a)
		statuses = append(statuses, protocol.ObjectStatus{Kind: protocol.KindPolicySync, Name: name, ObservedResourceVersion: f.desiredRV(cluster, name), Status: raw})
	}
	if err := f.st.PutStatuses(context.Background(), cluster, store.Puts(statuses...)); err != nil {
		f.t.Fatal(err)
	}
}
