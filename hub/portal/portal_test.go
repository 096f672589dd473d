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
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSignInShowsTheFleet(t *testing.T) {
	h := startHub(t)
	connect(t, h, "rg-a", "c1")
	createCluster(t, h, "rg-b", "c2")
	b := newBrowser(t, h)

	if p := b.get("/portal/"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, `id="signin-form"`) {
		t.Fatalf("without a session: %d, want 401 with the sign-in form", p.status)
	}
	p := b.post("/portal/signin", url.Values{"token": {"not-a-token"}})
	if p.status != http.StatusUnauthorized {
		t.Fatalf("a wrong token: %d, want 401", p.status)
	}
	mustContain(t, p, "The hub does not accept this token")

	fleet := b.signIn(h.AdminToken)
	mustContain(t, fleet, `data-testid="count-Connected">Connected <strong>1</strong>`, `data-testid="count-Connecting">Connecting <strong>1</strong>`,
		`data-cluster-id="`+clusterID("rg-a", "c1")+`" data-connectivity="Connected"`, `<td data-col="kubernetesVersion">v1.37.2</td>`,
		`<td data-col="nodes">3</td>`, `<td data-col="vcpus">8</td>`, `<td data-col="distribution">k3s</td>`,
		`data-testid="upgrade-available">upgrade to`, clusterPage("rg-b", "c2"))
	checkHTML(t, fleet.body)

	c1 := b.get(clusterPage("rg-a", "c1"))
	if c1.status != http.StatusOK {
		t.Fatalf("cluster page: %d %s", c1.status, c1.body)
	}
	mustContain(t, c1, `<dd data-field="connectivityStatus"><span class="badge state-connected">Connected</span>`, `id="extension-form"`,
		`id="flux-form"`, `id="agent-form"`, `<option value="gatekeeper">`)
	checkHTML(t, c1.body)
	if p := b.get(clusterPage("rg-a", "nope")); p.status != http.StatusNotFound {
		t.Errorf("a missing cluster: %d, want 404", p.status)
	}
	agent := b.post(clusterPage("rg-a", "c1")+"/agent", url.Values{"csrf": {csrf(t, c1)}, "version": {"0.1.0"}})
	mustContain(t, agent, `<dd data-field="desiredAgentVersion">0.1.0</dd>`)
	b.get("/portal/no-such-page")
	for _, body := range *b.seen {
		if strings.Contains(body, h.AdminToken) {
			t.Fatal("a page shows the token")
		}
		checkHTML(t, body)
	}
}

func TestSessionCookieAndExpiry(t *testing.T) {
	h := startHub(t)
	b := newBrowser(t, h)
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p := b.post("/portal/signin", url.Values{"token": {h.AdminToken}})
	cookie := p.header.Get("Set-Cookie")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(cookie, "__Host-kubearc-portal=") {
		t.Fatalf("sign-in: %d, cookie %q", p.status, cookie)
	}
	for _, want := range []string{"HttpOnly", "Secure", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("the session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, h.AdminToken) || strings.Contains(p.header.Get("Location"), h.AdminToken) {
		t.Fatal("the token is in the cookie or the redirect")
	}
	if p := b.get("/portal/"); p.status != http.StatusOK {
		t.Fatalf("signed in: %d", p.status)
	}
	h.Clock.Advance(31 * time.Minute)
	p = b.get("/portal/")
	if p.status != http.StatusUnauthorized {
		t.Fatalf("after 31 idle minutes: %d, want 401", p.status)
	}
	mustContain(t, p, "Your session expired. Sign in again.", `id="signin-form"`)

	b.client.CheckRedirect = nil
	b.signIn(h.AdminToken)
	out := b.post("/portal/signout", url.Values{"csrf": {csrf(t, b.get("/portal/"))}})
	mustContain(t, out, "You signed out.")
	if p := b.get("/portal/"); p.status != http.StatusUnauthorized {
		t.Errorf("after signing out: %d, want 401", p.status)
	}
}

func TestReaderSeesItsScopeWithoutWriteControls(t *testing.T) {
	h := startHub(t)
	connect(t, h, "rg-a", "c1")
	createCluster(t, h, "rg-b", "c2")
	reader := newToken(t, h, "Reader", "/subscriptions/"+sub+"/resourceGroups/rg-a")
	b := newBrowser(t, h)
	fleet := b.signIn(reader)
	mustContain(t, fleet, clusterPage("rg-a", "c1"), `data-testid="count-total">Total <strong>1</strong>`)
	mustNotContain(t, fleet, clusterPage("rg-b", "c2"))

	c1 := b.get(clusterPage("rg-a", "c1"))
	if c1.status != http.StatusOK {
		t.Fatalf("reader's cluster page: %d", c1.status)
	}
	mustNotContain(t, c1, `id="extension-form"`, `id="flux-form"`, `id="agent-form"`, "data-testid=\"delete-")
	if p := b.get(clusterPage("rg-b", "c2")); p.status != http.StatusForbidden {
		t.Errorf("a cluster outside the reader's scope: %d, want 403", p.status)
	}

	forged := b.post(clusterPage("rg-a", "c1")+"/extensions", url.Values{"csrf": {csrf(t, c1)}, "name": {"gk"}, "type": {"gatekeeper"}})
	if forged.status != http.StatusForbidden {
		t.Fatalf("a reader's forged write: %d, want 403", forged.status)
	}
	mustContain(t, forged, `id="error-heading">Not allowed`)
	if status, _, _ := h.ARM(http.MethodGet, clusterID("rg-a", "c1")+"/providers/Microsoft.KubernetesConfiguration/extensions/gk?api-version=2023-05-01",
		h.AdminToken, nil); status != http.StatusNotFound {
		t.Errorf("the forged extension exists: %d", status)
	}
}

func TestWritesNeedTheSameOriginAndTheFormToken(t *testing.T) {
	h := startHub(t)
	connect(t, h, "rg-a", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	token := csrf(t, b.get(clusterPage("rg-a", "c1")))
	form := url.Values{"csrf": {token}, "name": {"gk"}, "type": {"gatekeeper"}}

	cross := b.post(clusterPage("rg-a", "c1")+"/extensions", form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if cross.status != http.StatusForbidden {
		t.Fatalf("a cross-origin POST: %d, want 403", cross.status)
	}
	mustContain(t, cross, "came from another site")
	noToken := b.post(clusterPage("rg-a", "c1")+"/extensions", url.Values{"name": {"gk"}, "type": {"gatekeeper"}})
	if noToken.status != http.StatusForbidden {
		t.Fatalf("a POST without the form token: %d, want 403", noToken.status)
	}
	if p := b.post(clusterPage("rg-a", "c1")+"/extensions", form); p.status != http.StatusOK {
		t.Fatalf("a same-origin POST with the token: %d %s", p.status, p.body)
	} else {
		mustContain(t, p, `data-testid="extension-row" data-name="gk"`)
	}
}

func TestProtectedSettingsAreNeverShown(t *testing.T) {
	const canary = "CANARY-portal-8d1f2c"
	h, log := startHubWithLog(t)
	connect(t, h, "rg-a", "c1")
	b := newBrowser(t, h)
	b.signIn(h.AdminToken)
	path := clusterPage("rg-a", "c1")
	token := csrf(t, b.get(path))

	bad := b.post(path+"/extensions", url.Values{"csrf": {token}, "name": {"gk"}, "type": {"gatekeeper"},
		"settings": {"replicas=2\nno-equals-sign"}, "protectedSettings": {"password=" + canary}})
	if bad.status != http.StatusBadRequest {
		t.Fatalf("a bad settings line: %d, want 400", bad.status)
	}
	mustContain(t, bad, "Configuration settings: line 2 is not key=value", `value="gk"`, "replicas=2")
	checkHTML(t, bad.body)

	badProtected := b.post(path+"/extensions", url.Values{"csrf": {token}, "name": {"gk"}, "type": {"gatekeeper"},
		"protectedSettings": {"password=" + canary + "\n" + canary}})
	mustContain(t, badProtected, "Protected settings: line 2 is not key=value")

	ok := b.post(path+"/extensions", url.Values{"csrf": {token}, "name": {"gk"}, "type": {"gatekeeper"},
		"protectedSettings": {"password=" + canary}})
	if ok.status != http.StatusOK {
		t.Fatalf("creating the extension: %d %s", ok.status, ok.body)
	}
	mustContain(t, ok, `data-testid="extension-row" data-name="gk" data-state="Creating"`, `<meta http-equiv="refresh"`)

	flux := b.post(path+"/flux", url.Values{"csrf": {token}, "name": {"apps"}, "namespace": {"flux-config"},
		"url": {"https://git.example/apps.git"}, "branch": {"main"}, "path": {"./"}, "httpsUser": {"git"},
		"protectedSettings": {"httpsKey=" + canary}})
	if flux.status != http.StatusOK {
		t.Fatalf("creating the flux configuration: %d %s", flux.status, flux.body)
	}
	mustContain(t, flux, `data-testid="flux-row" data-name="apps"`)
	b.get("/portal/")
	for i, body := range *b.seen {
		if strings.Contains(body, canary) || strings.Contains(body, base64.StdEncoding.EncodeToString([]byte(canary))) {
			t.Fatalf("page %d shows the protected setting", i)
		}
	}

	del := b.post(path+"/extensions/gk/delete", url.Values{"csrf": {token}})
	mustContain(t, del, `data-name="gk" data-state="Deleting"`)
	if logged := log.String(); strings.Contains(logged, canary) || strings.Contains(logged, h.AdminToken) || logged == "" {
		t.Errorf("the hub's log (%d bytes) shows the protected setting or the token", len(logged))
	}
}

func TestFleetPagesAndFilters(t *testing.T) {
	h := startHub(t)
	connect(t, h, "rg-b", "live")
	for i := range 27 {
		createCluster(t, h, "rg-a", "c"+string(rune('a'+i/10))+string(rune('0'+i%10)))
	}
	b := newBrowser(t, h)
	first := b.signIn(h.AdminToken)
	if n := strings.Count(first.body, `data-testid="cluster-row"`); n != 25 {
		t.Fatalf("the first page has %d rows, want 25", n)
	}
	mustContain(t, first, `data-testid="count-total">Total <strong>28</strong>`, `id="next-page"`)
	link := nextRE.FindStringSubmatch(first.body)
	if link == nil {
		t.Fatal("no next-page link")
	}
	second := b.get(html.UnescapeString(link[1]))
	if n := strings.Count(second.body, `data-testid="cluster-row"`); n != 3 {
		t.Fatalf("the second page has %d rows, want 3", n)
	}
	mustContain(t, second, `id="first-page"`)
	mustNotContain(t, second, `id="next-page"`)

	for _, tc := range []struct{ query, want string }{
		{"?group=rg-b", clusterPage("rg-b", "live")},
		{"?connectivity=Connected", clusterPage("rg-b", "live")},
		{"?version=1.37", clusterPage("rg-b", "live")},
		{"?q=LIV", clusterPage("rg-b", "live")},
	} {
		p := b.get("/portal/" + tc.query)
		if n := strings.Count(p.body, `data-testid="cluster-row"`); n != 1 || !strings.Contains(p.body, tc.want) {
			t.Errorf("%s: %d rows, want only %s", tc.query, n, tc.want)
		}
	}
	if p := b.get("/portal/?connectivity=Offline"); !strings.Contains(p.body, `id="no-clusters"`) {
		t.Error("?connectivity=Offline lists clusters")
	}

	byConnectivity := b.get("/portal/?sort=connectivity")
	if rows := rowIDs(byConnectivity.body); len(rows) != 25 || rows[0] != clusterID("rg-b", "live") {
		t.Errorf("?sort=connectivity starts with %v, want the Connected cluster first", rows[:1])
	}
	mustContain(t, byConnectivity, `<option value="connectivity" selected>`, `href="/portal/?sort=connectivity&amp;start=25"`)
	descending := b.get("/portal/?sort=-name&start=25")
	if rows := rowIDs(descending.body); len(rows) != 3 || rows[2] != clusterID("rg-a", "ca0") {
		t.Errorf("the second page of ?sort=-name is %v, want it to end with ca0", rows)
	}
}

var nextRE = regexp.MustCompile(`href="(/portal/\?after=[^"]+)" id="next-page"`)

var rowRE = regexp.MustCompile(`data-testid="cluster-row" data-cluster-id="([^"]+)"`)

// rowIDs are the cluster IDs of a fleet page's rows, in order.
func rowIDs(body string) []string {
	matches := rowRE.FindAllStringSubmatch(body, -1)
	ids := make([]string, 0, len(matches))
	for _, m := range matches {
		ids = append(ids, m[1])
	}
	return ids
}
