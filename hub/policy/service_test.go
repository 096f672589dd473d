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

package policy

import (
	"encoding/json"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const (
	testSub          = "00000000-0000-0000-0000-0000000000aa"
	noPrivilegeID    = "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4"
	subScope         = "/subscriptions/" + testSub
	rgScope          = subScope + "/resourceGroups/edge"
	noPrivilegeInput = `{"properties": {"policyDefinitionId": "` + noPrivilegeID + `"}}`
)

// fixture is a Service on a real SQLite store, with the extensions it adds Gatekeeper through.
type fixture struct {
	t   testing.TB
	svc *Service
	st  store.Store
	ext *extensions.Service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	ext := nested.Register(nested.NewRegistry(st, make([]byte, 32), log, time.Now), &extensions.Kind{Catalog: cat, Log: log})
	svc, err := NewService(Options{Store: st, Catalog: cat, Extensions: ext, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, svc: svc, st: st, ext: ext}
}

// cluster stores a connectedCluster of the resource group edge without policy, as a cluster
// written at the same moment as an assignment may be.
func (f *fixture) cluster(name string) *store.Resource {
	f.t.Helper()
	return f.clusterIn("edge", name)
}

// clusterIn stores the cluster name of the resource group group.
func (f *fixture) clusterIn(group, name string) *store.Resource {
	f.t.Helper()
	res := &store.Resource{ID: subScope + "/resourceGroups/" + group + "/providers/Microsoft.Kubernetes/connectedClusters/" + name, Type: clusterType,
		Subscription: testSub, ResourceGroup: group, Body: json.RawMessage(`{"properties": {}}`)}
	if _, err := f.st.PutResource(f.t.Context(), res, store.Always()); err != nil {
		f.t.Fatal(err)
	}
	return res
}

// assign puts the assignment name at scope with body.
func (f *fixture) assign(scope, name, body string) *AssignmentDoc {
	f.t.Helper()
	sc, err := ParseScope(scope)
	if err != nil {
		f.t.Fatal(err)
	}
	doc, err := f.svc.PutAssignment(f.t.Context(), Request{Scope: sc, Name: name, By: "test"}, decodeString(body))
	if err != nil {
		f.t.Fatalf("PutAssignment(%s): %v", name, err)
	}
	return doc
}

// decodeString decodes body as a request body.
func decodeString(body string) nested.Decoder {
	return func(v any) error { return json.Unmarshal([]byte(body), v) }
}

// syncs returns a cluster's PolicySync specs by name.
func (f *fixture) syncs(c *store.Resource) map[string]protocol.PolicySyncSpec {
	f.t.Helper()
	raw, err := f.svc.policySyncs(f.t.Context(), c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]protocol.PolicySyncSpec{}
	for name, r := range raw {
		var spec protocol.PolicySyncSpec
		if err := json.Unmarshal(r, &spec); err != nil {
			f.t.Fatal(err)
		}
		out[name] = spec
	}
	return out
}

// extensionNames returns the names of a cluster's extensions.
func (f *fixture) extensionNames(c *store.Resource) []string {
	f.t.Helper()
	recs, err := f.ext.List(f.t.Context(), c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	names := make([]string, 0, len(recs))
	for _, r := range recs {
		names = append(names, r.Name+"/"+r.ExtensionType)
	}
	return names
}

// TestResyncRepairsWhatARaceMissed: a cluster stored without the assignments that apply to it
// (as when it and an assignment were written at the same moment) gets them, and Gatekeeper,
// from a resync; a PolicySync of an assignment that is gone is removed; nothing else changes.
func TestResyncRepairsWhatARaceMissed(t *testing.T) {
	f := newFixture(t)
	c1 := f.cluster("c1")
	a := f.assign(subScope, "no-privilege", noPrivilegeInput)
	c2 := f.cluster("c2")
	name := protocol.PolicySyncName(a.ID)
	if _, ok := f.syncs(c2)[name]; ok {
		t.Fatal("the test needs a cluster that missed the assignment")
	}
	gone := protocol.PolicySyncName(rgScope + "/providers/Microsoft.Authorization/policyAssignments/gone")
	stale, _ := json.Marshal(protocol.PolicySyncSpec{AssignmentID: rgScope + "/providers/Microsoft.Authorization/policyAssignments/gone"})
	if err := f.st.PutDesired(t.Context(), nil, store.DesiredChange{ClusterID: c1.ID, Kind: protocol.KindPolicySync, Name: gone, Spec: stale}); err != nil {
		t.Fatal(err)
	}

	fixed, err := f.svc.Resync(t.Context(), []*store.Resource{c1, c2})
	if err != nil || fixed != 2 {
		t.Fatalf("Resync = %d, %v; want both clusters repaired", fixed, err)
	}
	for _, c := range []*store.Resource{c1, c2} {
		syncs := f.syncs(c)
		if len(syncs) != 1 || syncs[name].EnforcementAction != protocol.EnforcementDeny {
			t.Errorf("PolicySyncs of %s after the resync: %+v, want the assignment's only", c.ID, syncs)
		}
		if got := f.extensionNames(c); len(got) != 1 || got[0] != "azurepolicy/gatekeeper" {
			t.Errorf("extensions of %s: %v, want Gatekeeper once", c.ID, got)
		}
	}
	if fixed, err := f.svc.Resync(t.Context(), []*store.Resource{c1, c2}); err != nil || fixed != 0 {
		t.Errorf("a second resync = %d, %v; want nothing to repair", fixed, err)
	}
}

// TestRecentClustersAreSeenTwice: a cluster written is looked at by the next two resync passes.
func TestRecentClustersAreSeenTwice(t *testing.T) {
	f := newFixture(t)
	c := f.cluster("c1")
	if _, _, err := f.svc.ClusterChanges(t.Context(), c.ID); err != nil {
		t.Fatal(err)
	}
	for pass, want := range []int{1, 1, 0} {
		if got, err := f.svc.recentClusters(t.Context()); err != nil || len(got) != want {
			t.Errorf("pass %d: %d recent clusters, %v; want %d", pass, len(got), err, want)
		}
	}
}

// TestClusterChangesOfANewCluster: a cluster's own write gets the PolicySyncs of the
// assignments that apply to it, on the condition that they are unchanged.
func TestClusterChangesOfANewCluster(t *testing.T) {
	f := newFixture(t)
	a := f.assign(subScope, "no-privilege", noPrivilegeInput)
	f.assign(subScope+"/resourceGroups/other", "elsewhere", noPrivilegeInput)
	changes, related, err := f.svc.ClusterChanges(t.Context(), rgScope+"/providers/Microsoft.Kubernetes/connectedClusters/new")
	if err != nil || len(changes) != 1 || changes[0].Name != protocol.PolicySyncName(a.ID) || len(related) != 1 || related[a.ID] == "" {
		t.Errorf("ClusterChanges = %+v, %v, %v; want the one assignment that applies, and its version", changes, related, err)
	}
}

// TestRequestEvaluation: a new token reaches the PolicySyncs of the clusters of the scope
// only; the assignments are not written (a subscription's keeps its version), the clusters
// outside the scope are untouched, and the resync keeps the clusters' tokens.
func TestRequestEvaluation(t *testing.T) {
	f := newFixture(t)
	c := f.cluster("c1")
	outside := f.clusterIn("other", "c2")
	a := f.assign(subScope, "no-privilege", noPrivilegeInput)
	disabled := f.assign(rgScope, "off", `{"properties": {"policyDefinitionId": "`+noPrivilegeID+`", "parameters": {"effect": {"value": "disabled"}}}}`)
	before, err := f.svc.loadAssignment(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	name := protocol.PolicySyncName(a.ID)
	outsideSpec := f.syncs(outside)[name]
	tokens := make([]string, 0, 2)
	for range 2 {
		if err := f.svc.RequestEvaluation(t.Context(), rgScope); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, f.syncs(c)[name].EvaluationRequest)
	}
	if tokens[0] == "" || tokens[0] == tokens[1] {
		t.Errorf("evaluation tokens %q, want a new one each time", tokens)
	}
	if got, ok := f.syncs(c)[protocol.PolicySyncName(disabled.ID)]; ok {
		t.Errorf("a disabled assignment got a PolicySync with the evaluation: %+v", got)
	}
	if after, err := f.svc.loadAssignment(t.Context(), a.ID); err != nil || after.Version != before.Version {
		t.Errorf("the subscription's assignment went from version %s to %+v, %v; want it not written", before.Version, after, err)
	}
	if got := f.syncs(outside)[name]; got.EvaluationRequest != "" || !reflect.DeepEqual(got, outsideSpec) {
		t.Errorf("the PolicySync of a cluster outside the scope became %+v, want it untouched", got)
	}
	if fixed, err := f.svc.Resync(t.Context(), []*store.Resource{c, outside}); err != nil || fixed != 0 {
		t.Errorf("Resync = %d, %v; want nothing to repair", fixed, err)
	}
	if got := f.syncs(c)[name].EvaluationRequest; got != tokens[1] {
		t.Errorf("after a resync the token is %q, want the cluster's %q", got, tokens[1])
	}
	// A resync that must rewrite the PolicySync (here: lost) keeps the token too.
	if err := f.st.PutDesired(t.Context(), nil, store.DesiredChange{ClusterID: c.ID, Kind: protocol.KindPolicySync, Name: name,
		Spec: withEvaluationRequest(encodeSpec(&protocol.PolicySyncSpec{AssignmentID: a.ID, Template: "stale"}), tokens[1])}); err != nil {
		t.Fatal(err)
	}
	if fixed, err := f.svc.Resync(t.Context(), []*store.Resource{c}); err != nil || fixed != 1 {
		t.Errorf("Resync = %d, %v; want the stale PolicySync repaired", fixed, err)
	}
	if got := f.syncs(c)[name]; got.EvaluationRequest != tokens[1] || got.Template == "stale" {
		t.Errorf("after a repair the PolicySync is %+v, want the assignment's with the cluster's token %q", got, tokens[1])
	}
}
