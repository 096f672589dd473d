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

package server_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// The concurrency suite: many goroutines write the same resources at once, PATCH racing
// DELETE among them, and the hub's guarantees are checked afterwards (ledger.lifecycle,
// ledger.noServerErrors). Run it under -race (make test-race). Each round races writers on
// a fresh resource; the rounds are many because a lost race is a matter of timing.
const (
	// rounds of each test.
	rounds = 30
	// patchers race in each round, each sending patchesEach PATCHes.
	patchers, patchesEach = 4, 3
)

// race runs fns at once and waits for them.
func race(fns ...func()) {
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(fn)
	}
	wg.Wait()
}

// racingPatches returns patchers functions that each send patchesEach PATCHes of path made by
// body, labelled.
func racingPatches(l *ledger, round int, path string, body func(value string) any) []func() {
	fns := make([]func(), 0, patchers)
	for w := range patchers {
		fns = append(fns, func() {
			for i := range patchesEach {
				v := label(round, w, i)
				l.send(http.MethodPatch, path, v, body(v))
			}
		})
	}
	return fns
}

// TestClusterPatchRacingDeleteNeverResurrects races PATCHes (and in some rounds a PUT) of a
// connectedCluster with its DELETE. A cluster whose DELETE was acknowledged stays deleted
// unless a PUT created it again, and its agent's certificate stays revoked.
func TestClusterPatchRacingDeleteNeverResurrects(t *testing.T) {
	th := newTestHub(t)
	l := newLedger(th)
	tagsOf := func(doc map[string]any) string { return at(doc, "tags", "w") }
	for round := range rounds {
		name := fmt.Sprintf("race-%02d", round)
		path := clusterPath(sub, rg, name) + api2024
		k := newAgentKey(t)
		body := clusterBody(k)
		body["tags"] = map[string]string{"w": "initial"}
		l.send(http.MethodPut, path, "initial", body)
		_, cert := th.register(clusterPath(sub, rg, name), k)
		fns := racingPatches(l, round, path, func(v string) any { return map[string]any{"tags": map[string]string{"w": v}} })
		var deleted outcome
		fns = append(fns, func() { deleted = l.send(http.MethodDelete, path, "", nil) })
		if round%3 == 0 { // with another key, so that only a resurrection could revive the certificate
			fns = append(fns, func() {
				again := clusterBody(newAgentKey(t))
				again["tags"] = map[string]string{"w": "put-" + name}
				l.send(http.MethodPut, path, "put-"+name, again)
			})
		}
		race(fns...)
		exists, value := l.current(t, path, tagsOf)
		l.lifecycle(t, path, exists, value)
		r := th.send(th.client(cert), http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{})
		if deleted.status == http.StatusOK && r.status/100 == 2 {
			t.Errorf("%s: the deleted cluster's agent certificate still works: heartbeat %d", name, r.status)
		}
	}
	l.noServerErrors(t)
}

// TestNestedPatchRacingForceDeleteNeverResurrects races PATCHes (and in some rounds a PUT)
// of an extension and of a Flux configuration with their DELETE with forceDelete=true.
func TestNestedPatchRacingForceDeleteNeverResurrects(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	l := newLedger(th)
	kinds := []struct {
		name  string
		path  func(name string) string
		put   func(v string) any
		patch func(v string) any
		pick  func(doc map[string]any) string
	}{
		{"extension", func(n string) string { return extensionPath("c1", n) + apiExt },
			func(v string) any {
				return extBody(map[string]any{"extensionType": "gatekeeper", "configurationSettings": map[string]string{"w": v}})
			},
			func(v string) any { return extBody(map[string]any{"configurationSettings": map[string]string{"w": v}}) },
			func(doc map[string]any) string { return at(doc, "properties", "configurationSettings", "w") }},
		{"fluxConfiguration", func(n string) string { return fluxPath("c1", n) + apiExt },
			func(v string) any { return fluxBody("https://git.example.com/"+v+".git", nil) },
			func(v string) any {
				return map[string]any{"properties": map[string]any{"gitRepository": map[string]any{"url": "https://git.example.com/" + v + ".git"}}}
			},
			func(doc map[string]any) string { return repoOf(at(doc, "properties", "gitRepository", "url")) }},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			for round := range rounds {
				path := k.path(fmt.Sprintf("race-%02d", round))
				l.send(http.MethodPut, path, "initial", k.put("initial"))
				fns := racingPatches(l, round, path, k.patch)
				fns = append(fns, func() { l.send(http.MethodDelete, path+"&forceDelete=true", "", nil) })
				if round%3 == 0 {
					fns = append(fns, func() { l.send(http.MethodPut, path, "put", k.put("put")) })
				}
				race(fns...)
				exists, value := l.current(t, path, k.pick)
				l.lifecycle(t, path, exists, value)
			}
		})
	}
	l.noServerErrors(t)
}

// TestNestedWritesRacingClusterDeleteAnswer404 races PUTs and PATCHes of extensions and Flux
// configurations with their cluster's DELETE: each answers success or 404, never a 5xx, and
// nothing of the cluster is left afterwards.
func TestNestedWritesRacingClusterDeleteAnswer404(t *testing.T) {
	th := newTestHub(t)
	l := newLedger(th)
	for round := range rounds / 2 {
		name := fmt.Sprintf("doomed-%02d", round)
		th.createCluster(sub, rg, name)
		fns := make([]func(), 0, 1+2*patchers)
		fns = append(fns, func() { l.send(http.MethodDelete, clusterPath(sub, rg, name)+api2024, "", nil) })
		for w := range patchers {
			ext := extensionPath(name, fmt.Sprintf("e%d", w)) + apiExt
			flux := fluxPath(name, fmt.Sprintf("f%d", w)) + apiExt
			fns = append(fns, func() {
				l.send(http.MethodPut, ext, "v", extBody(map[string]any{"extensionType": "gatekeeper"}))
				l.send(http.MethodPatch, ext, "v", extBody(map[string]any{"configurationSettings": map[string]string{"a": "b"}}))
			}, func() { l.send(http.MethodPut, flux, "v", fluxBody("https://git.example.com/r.git", nil)) })
		}
		race(fns...)
		th.wantClusterGone(t, l, name)
	}
	l.noServerErrors(t)
}

// wantClusterGone checks that the deleted cluster name left nothing behind: no resource, no
// live desired object, and every nested answer after its DELETE a 404.
func (th *testHub) wantClusterGone(t *testing.T, l *ledger, name string) {
	t.Helper()
	id := clusterPath(sub, rg, name)
	if exists, _ := l.current(t, id+api2024, func(map[string]any) string { return "" }); exists {
		t.Fatalf("cluster %s exists after its DELETE", name)
	}
	children, err := th.Store().ListResources(t.Context(), store.ListQuery{ParentID: id})
	if err != nil || len(children) != 0 {
		t.Errorf("cluster %s left %d resources behind (%v)", name, len(children), err)
	}
	state, err := th.Store().DesiredState(t.Context(), id)
	if err != nil || len(state.Items) != 0 {
		t.Errorf("cluster %s left %d live desired objects behind (%v)", name, len(state.Items), err)
	}
	for _, path := range []string{extensionPath(name, "e0") + apiExt, fluxPath(name, "f0") + apiExt} {
		if o := l.send(http.MethodPatch, path, "", extBody(map[string]any{})); o.status != http.StatusNotFound {
			t.Errorf("PATCH %s after its cluster's DELETE: %d %s, want 404", path, o.status, o.raw)
		}
	}
}

// repoOf returns the label in a repository URL https://git.example.com/<label>.git.
func repoOf(url string) string {
	var v string
	if _, err := fmt.Sscanf(url, "https://git.example.com/%s", &v); err != nil || len(v) < 4 {
		return url
	}
	return v[:len(v)-4]
}
