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

package agentapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/events"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/store/sqlite"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const fuzzCluster = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c"

// fuzzStore opens a store holding the cluster fuzzCluster, shared by a fuzz target's runs:
// the limits must hold over everything the runs sent together.
func fuzzStore(f *testing.F) store.Store {
	st, err := sqlite.Open(f.Context(), filepath.Join(f.TempDir(), "hub.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Close() })
	cluster := &store.Resource{ID: fuzzCluster, Type: "Microsoft.Kubernetes/connectedClusters", Subscription: "s",
		ResourceGroup: "g", Body: json.RawMessage(`{"name":"c","location":"westeurope"}`)}
	if _, err := st.PutResource(f.Context(), cluster, store.Always()); err != nil {
		f.Fatal(err)
	}
	return st
}

// fuzzAPI is an API on st whose agent is admitted: its handlers run as they do behind
// agentOnly.
func fuzzAPI(st store.Store) *API {
	return &API{Store: st, Tracker: connectivity.NewTracker(st, connectivity.Options{Now: time.Now}),
		Broadcaster: events.NewBroadcaster(), Log: slog.New(slog.DiscardHandler),
		Limits: Limits{MaxReportBytes: 64 << 10, MaxStatusItems: 20, MaxClusterOwned: 5, MaxStatuses: 8}}
}

// serveAdmitted calls handler with body as cluster fuzzCluster's agent and returns the status.
func serveAdmitted(handler http.HandlerFunc, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(context.WithValue(context.Background(), clusterKey{}, fuzzCluster),
		http.MethodPost, path, bytes.NewReader(body))
	rec := httptest.NewRecorder()
	handler(rec, req)
	return rec
}

// fuzzEndpoint fuzzes the body of one agent endpoint from seeds: no body makes it answer
// 5xx or panic, every refusal is an agent API error, and check holds after each request.
func fuzzEndpoint(f *testing.F, path string, handler func(*API) http.HandlerFunc, seeds []string,
	check func(t *testing.T, a *API, rec *httptest.ResponseRecorder)) {
	for _, seed := range seeds {
		f.Add([]byte(seed))
	}
	st := fuzzStore(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a := fuzzAPI(st)
		rec := serveAdmitted(handler(a), path, body)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", path, body, rec.Code, rec.Body)
		}
		var e protocol.Error
		if rec.Code >= 400 && (json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Code == "" || e.Message == "") {
			t.Fatalf("a %d without an agent API error: %s", rec.Code, rec.Body)
		}
		check(t, a, rec)
	})
}

// FuzzHeartbeat: no heartbeat body makes the hub fail, and whatever it accepts is within
// the limits.
func FuzzHeartbeat(f *testing.F) {
	seeds := []string{
		`{"kubernetesVersion":"v1.37.2","nodeCount":3,"coreCount":12,"agentVersion":"0.1.0","distribution":"k3s","infrastructure":"bare_metal","agentCpuMillicores":4,"agentMemoryBytes":41943040}`,
		`{}`, `{"nodeCount":-1}`, `{"coreCount":1e99}`, `{"distribution":"k3s\u001b[2J"}`, `{"kubernetesVersion":"` + string(bytes.Repeat([]byte("9"), 100)) + `"}`,
		`[]`, `null`, `{"agentMemoryBytes":"x"}`, "\xff",
	}
	fuzzEndpoint(f, protocol.PathHeartbeat, func(a *API) http.HandlerFunc { return a.heartbeat }, seeds,
		func(t *testing.T, a *API, rec *httptest.ResponseRecorder) {
			rt, _ := a.Tracker.Get(fuzzCluster)
			if err := rt.Heartbeat.Validate(); rec.Code == http.StatusOK && err != nil {
				t.Fatalf("accepted an invalid heartbeat: %v", err)
			}
		})
}

// FuzzStatusReport: no status report makes the hub fail, and what it stores is valid and
// within the limits.
func FuzzStatusReport(f *testing.F) {
	seeds := []string{
		`{"items":[{"kind":"Extension","name":"flux","observedResourceVersion":"57","status":{"provisioningState":"Succeeded"}}]}`,
		`{"items":[{"kind":"GitOpsConfiguration","name":"cfg","status":{"complianceState":"Compliant","statuses":[{"kind":"Kustomization","name":"a","complianceState":"Pending"}],"clusterOwned":{"scope":"cluster","namespace":"ns"}}}]}`,
		`{"items":[{"kind":"Other","name":"x","status":{"a":[[[["deep"]]]]}}]}`,
		`{"items":[{"kind":"Extension","name":"a"},{"kind":"Extension","name":"b"},{"kind":"Extension","name":"c"},{"kind":"Extension","name":"d"},{"kind":"Extension","name":"e"},{"kind":"Extension","name":"f"}]}`,
		`{"items":[{"kind":"","name":""}]}`, `{"items":null}`, `{"items":[{"kind":"Extension","name":"x","status":"\u0000"}]}`, `{`,
	}
	fuzzEndpoint(f, protocol.PathStatus, func(a *API) http.HandlerFunc { return a.status }, seeds,
		func(t *testing.T, a *API, _ *httptest.ResponseRecorder) {
			stored, _ := a.Store.ListStatuses(context.Background(), fuzzCluster)
			checkStored(t, a.Limits, stored)
		})
}

// checkStored checks what the hub keeps of a cluster without desired objects: valid
// statuses, no more than the limits, none of a hub-owned object and none reported Deleted.
func checkStored(t *testing.T, l Limits, stored []protocol.ObjectStatus) {
	report := protocol.StatusReport{Items: stored}
	if err := report.Validate(len(stored)); err != nil {
		t.Fatalf("stored an invalid status: %v", err)
	}
	if len(stored) > l.maxClusterOwned() || len(stored) > l.maxStatuses() {
		t.Fatalf("stored %d cluster-owned objects", len(stored))
	}
	for _, s := range stored {
		if s.ObservedResourceVersion != "" || isDeleted(s) {
			t.Fatalf("stored %s/%s, observed %q, reported %s: not desired or deleted", s.Kind, s.Name, s.ObservedResourceVersion, s.Status)
		}
	}
}
