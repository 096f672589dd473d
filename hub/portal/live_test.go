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

package portal_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// openEvents opens the live updates of the page at path and returns a function that waits for
// its next change event.
func openEvents(t *testing.T, b *browser, path string) func() {
	t.Helper()
	status, contentType, body := openStream(t, b, path)
	if status != http.StatusOK || contentType != "text/event-stream" {
		t.Fatalf("events of %s: %d %s", path, status, contentType)
	}
	sc := bufio.NewScanner(body)
	return func() {
		t.Helper()
		for sc.Scan() {
			if sc.Text() == "event: change" {
				return
			}
		}
		t.Fatalf("no change event on %s: %v", path, sc.Err())
	}
}

func TestLiveUpdateWhenAClusterGoesOffline(t *testing.T) {
	h := startHub(t)
	connect(t, h, "rg-a", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)

	next := openEvents(t, b, "/portal/")
	h.Clock.Advance(6 * time.Minute) // past the default offline threshold, within the idle timeout
	next()
	mustContain(t, b.get("/portal/"), `data-connectivity="Offline"`, `data-testid="count-Offline">Offline <strong>1</strong>`)
}

func TestLiveUpdateWhenTheAgentReportsAnExtension(t *testing.T) {
	h := startHub(t)
	agent := connect(t, h, "rg-a", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	path := clusterPage("rg-a", "c1")
	created := b.post(path+"/extensions", url.Values{"csrf": {csrf(t, b.get(path))}, "name": {"gk"}, "type": {"gatekeeper"}})
	mustContain(t, created, `data-name="gk" data-state="Creating"`)

	next := openEvents(t, b, path)
	state, err := agent.DesiredState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var rv string
	for _, o := range state.Items {
		if o.Kind == protocol.KindExtension && o.Name == "gk" {
			rv = o.ResourceVersion
		}
	}
	if rv == "" {
		t.Fatalf("the agent's desired state has no extension gk: %+v", state.Items)
	}
	st, _ := json.Marshal(protocol.ExtensionStatus{ProvisioningState: protocol.ProvisioningSucceeded, InstalledVersion: "3.18.0"})
	if err := agent.ReportStatus(context.Background(), []protocol.ObjectStatus{{Kind: protocol.KindExtension, Name: "gk",
		ObservedResourceVersion: rv, Status: st}}); err != nil {
		t.Fatal(err)
	}
	next()
	p := b.get(path)
	mustContain(t, p, `data-name="gk" data-state="Succeeded"`)
	mustNotContain(t, p, `http-equiv="refresh"`)
}
