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

// Package storetest is the conformance suite of store.Store. Every implementation runs it
// from its own tests, so that the SQLite and PostgreSQL stores behave alike:
//
//	func TestConformance(t *testing.T) {
//		dir := t.TempDir()
//		storetest.Run(t, func(t *testing.T, name string) store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(dir, name+".db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Opener opens the store called name, creating it empty the first time. Opening a name
// again after its store was closed must show the same data, which the Reopen test checks;
// opening it while its store is open gives a second store on the same data, as a second hub
// replica has; different names never share data. Names are letters, digits, '_' and '-', unique within
// the process. The suite closes every store it opens.
type Opener func(t *testing.T, name string) store.Store

// Run runs the whole suite, one subtest per behaviour, each on a new store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"GetResourceNotFound", testGetResourceNotFound},
		{"PutResourceCreates", testPutResourceCreates},
		{"PutResourceReplaces", testPutResourceReplaces},
		{"PutResourceRejects", testPutResourceRejects},
		{"ListResources", testListResources},
		{"ListResourcesPages", testListResourcesPages},
		{"DeleteResourceNotFound", testDeleteResourceNotFound},
		{"DeleteResourceCascades", testDeleteResourceCascades},
		{"DeleteChildAppliesChanges", testDeleteChildAppliesChanges},
		{"ChangesAreAtomic", testChangesAreAtomic},
		{"DesiredStateEmpty", testDesiredStateEmpty},
		{"DesiredChanges", testDesiredChanges},
		{"DesiredNoOps", testDesiredNoOps},
		{"DesiredRevive", testDesiredRevive},
		{"DesiredChangesBadVersion", testDesiredChangesBadVersion},
		{"CompactDesired", testCompactDesired},
		{"Runtimes", testRuntimes},
		{"Statuses", testStatuses},
		{"StatusesOfUndesiredObjects", testStatusesOfUndesiredObjects},
		{"StatusesRemove", testStatusesRemove},
		{"StatusLimits", testStatusLimits},
		{"StatusLimitsUnderConcurrency", testStatusLimitsUnderConcurrency},
		{"Logs", testLogs},
		{"LogRetention", testLogRetention},
		{"LogFieldsUnescaped", testLogFieldsUnescaped},
		{"LogBatchOverhead", testLogBatchOverhead},
		{"Usage", testUsage},
		{"UsagePruneInChunks", testUsagePruneInChunks},
		{"ConnectivityChecks", testConnectivityChecks},
		{"Tokens", testTokens},
		{"RevokeToken", testRevokeToken},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Preconditions", testPreconditions},
		{"PreconditionsOnDelete", testPreconditionsOnDelete},
		{"VersionsNeverRepeat", testVersionsNeverRepeat},
		{"PreconditionOfParent", testPreconditionOfParent},
		{"PreconditionOfRelated", testPreconditionOfRelated},
		{"PreconditionOfChildren", testPreconditionOfChildren},
		{"PutDesired", testPutDesired},
		{"CompareAndSwapRaces", testCompareAndSwapRaces},
		{"TunnelHolders", testTunnelHolders},
		{"ListTunnelHolders", testListTunnelHolders},
		{"Leases", testLeases},
		{"LeaseRace", testLeaseRace},
		{"Meta", testMeta},
		{"MetaRace", testMetaRace},
		{"PortalSessions", testPortalSessions},
		{"PortalSessionNeedsFormToken", testPortalSessionNeedsFormToken},
		{"PortalSessionCaps", testPortalSessionCaps},
		{"PortalSessionCapsUnderConcurrency", testPortalSessionCapsUnderConcurrency},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, openStore(t, open, storeName(t))) })
	}
	t.Run("Reopen", func(t *testing.T) { testReopen(t, open) })
	t.Run("PortalSignInsAcrossReplicas", func(t *testing.T) { testPortalSignInsAcrossReplicas(t, open) })
}

// openStore opens the store called name and closes it when the test ends.
func openStore(t *testing.T, open Opener, name string) store.Store {
	t.Helper()
	s := open(t, name)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// storeName is a name for the test's store, unique in the process.
func storeName(t *testing.T) string {
	return unsafeName.ReplaceAllString(t.Name(), "_")
}

// Resource types and IDs of the fixtures.
const (
	clusterType   = "Microsoft.Kubernetes/connectedClusters"
	extensionType = "Microsoft.KubernetesConfiguration/extensions"
	kindExtension = "Extension"
)

func clusterID(sub, rg, name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

func newCluster(sub, rg, name string) *store.Resource {
	return &store.Resource{
		ID:            clusterID(sub, rg, name),
		Type:          clusterType,
		Subscription:  sub,
		ResourceGroup: rg,
		Body:          json.RawMessage(`{"name":"` + name + `","location":"westeurope"}`),
	}
}

func newExtension(parent *store.Resource, name string) *store.Resource {
	return &store.Resource{
		ID:            parent.ID + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name,
		Type:          extensionType,
		Subscription:  parent.Subscription,
		ResourceGroup: parent.ResourceGroup,
		ParentID:      parent.ID,
		Body:          json.RawMessage(`{"name":"` + name + `"}`),
	}
}

// profile sets a cluster's AgentProfile.
func profile(cluster, version string) store.DesiredChange {
	return store.DesiredChange{ClusterID: cluster, Kind: protocol.KindAgentProfile, Name: "default",
		Spec: json.RawMessage(`{"desiredAgentVersion":"` + version + `"}`)}
}

// extensionObject sets, or with del removes, an Extension object of a cluster.
func extensionObject(cluster, name string, del bool) store.DesiredChange {
	return store.DesiredChange{ClusterID: cluster, Kind: kindExtension, Name: name,
		Spec: json.RawMessage(`{"extensionType":"` + name + `"}`), Delete: del}
}

// put stores r and fails the test on an error.
func put(t *testing.T, s store.Store, r *store.Resource, changes ...store.DesiredChange) bool {
	t.Helper()
	created, err := s.PutResource(t.Context(), r, store.Always(), changes...)
	if err != nil {
		t.Fatalf("PutResource(%s) = %v", r.ID, err)
	}
	return created
}

// state returns a cluster's desired state and fails the test on an error.
func state(t *testing.T, s store.Store, cluster string) protocol.DesiredState {
	t.Helper()
	st, err := s.DesiredState(t.Context(), cluster)
	if err != nil {
		t.Fatalf("DesiredState(%s) = %v", cluster, err)
	}
	return st
}

// rvNum reads a resourceVersion; the stores issue decimal numbers.
func rvNum(t *testing.T, rv string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q is not a decimal number: %v", rv, err)
	}
	return n
}

// wantErrorIs fails the test unless err wraps target.
func wantErrorIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s = %v, want an error wrapping %q", what, err, target)
	}
}

// jsonEqual reports whether two JSON documents hold the same value, so a store may
// normalize JSON (PostgreSQL's jsonb does).
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
