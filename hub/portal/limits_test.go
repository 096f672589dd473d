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
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Forms are read up to a bound: 16 KiB for signing in and out, 1 MiB for an action, as the
// API takes; a larger one gets 413 and a page saying so.
func TestOversizeFormsAreRefused(t *testing.T) {
	h := startHub(t)
	createCluster(t, h, "rg-a", "c1")
	anon := newBrowser(t, h)
	for _, path := range []string{"/portal/signin", "/portal/signout"} {
		p := anon.post(path, url.Values{"token": {strings.Repeat("x", 17<<10)}})
		if p.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 17 KiB form to %s: %d, want 413", path, p.status)
		}
		mustContain(t, p, `id="error-heading">Form too large`, "larger than the portal takes (16 KiB)")
	}

	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	path := clusterPage("rg-a", "c1")
	form := url.Values{"csrf": {csrf(t, b.get(path))}, "name": {"gk"}, "type": {"gatekeeper"}}
	form.Set("settings", "a="+strings.Repeat("b", 600<<10))
	if p := b.post(path+"/extensions", form); p.status == http.StatusRequestEntityTooLarge {
		t.Errorf("a 600 KiB action form: 413, want it read (the API's bound is 1 MiB)")
	}
	form.Set("settings", "a="+strings.Repeat("b", 1<<20))
	p := b.post(path+"/extensions", form)
	if p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 1 MiB action form: %d, want 413", p.status)
	}
	mustContain(t, p, "larger than the portal takes (1024 KiB)")
}

// A session opens at most 4 live streams, and the streams of one page and token share one
// render per check.
func TestLiveStreamsAreCappedAndShareRenders(t *testing.T) {
	h, cut := startHubWithStore(t)
	createCluster(t, h, "rg-a", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	for range 4 {
		watchEvents(t, b, "/portal/")
	}
	status, _, body := openStream(t, b, "/portal/")
	raw, err := io.ReadAll(body)
	if err != nil || status != http.StatusTooManyRequests {
		t.Fatalf("a fifth live stream: %d %v, want 429", status, err)
	}
	mustContain(t, page{status: status, body: string(raw)}, `id="error-heading">Too many live pages`, "close some of its tabs")

	before := cut.listings.Load()
	time.Sleep(5 * time.Second) // two checks of each stream (every 2s)
	if renders := cut.listings.Load() - before; renders > 3 {
		t.Errorf("4 streams of one page rendered it %d times in 5s, want at most 3 (one per check)", renders)
	}
}

// One token keeps at most 16 sessions: signing in again ends its oldest.
func TestSessionsPerTokenAreCapped(t *testing.T) {
	h := startHub(t)
	first := newBrowser(t, h)
	first.signIn(h.AdminToken)
	second := newBrowser(t, h)
	second.signIn(h.AdminToken)
	for range 15 {
		newBrowser(t, h).signIn(h.AdminToken)
	}
	if p := first.get("/portal/"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, `id="signin-form"`) {
		t.Errorf("the oldest of 17 sessions of a token: %d, want 401 with the sign-in form", p.status)
	}
	if p := second.get("/portal/"); p.status != http.StatusOK {
		t.Errorf("the second of 17 sessions of a token: %d, want 200", p.status)
	}
}
