//go:build e2e

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

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/kubearc/kubearc/internal/browsertest"
)

// portal is a user of the portal in one browser, and what the browser was shown.
type portal struct {
	t          *testing.T
	e          *env
	b          *browsertest.Browser
	adminToken string
	opts       browsertest.Options
	// seen holds every page's HTML and every response the test read in the browser, by step.
	seen *[]shown
}

type shown struct{ what, content string }

// newPortal starts a browser that trusts the e2e hub's certificate.
func (e *env) newPortal(t *testing.T) *portal {
	t.Helper()
	data := filepath.Join(e.dir, "hub-data")
	token, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(filepath.Join(data, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	// Tall enough for the screenshots to show the cluster page's extensions.
	opts := browsertest.Options{TrustAddr: strings.TrimPrefix(e.hub, "https://"), CAPEM: ca, Width: 1280, Height: 1400}
	return &portal{t: t, e: e, b: browsertest.New(t, opts), adminToken: strings.TrimSpace(string(token)), opts: opts, seen: &[]shown{}}
}

// in returns p for a subtest.
func (p *portal) in(t *testing.T) *portal {
	sub := *p
	sub.t, sub.e, sub.b = t, p.e.in(t), p.b.In(t)
	return &sub
}

// asReader is a second user, signed in with token in a browser of its own.
func (p *portal) asReader(token string) *portal {
	p.t.Helper()
	r := &portal{t: p.t, e: p.e, b: browsertest.New(p.t, p.opts), opts: p.opts, seen: p.seen}
	r.b.SignIn(p.e.hub+"/portal/", token)
	r.expectNoToken(token)
	return r
}

func (p *portal) clusterName() string { return cluster }

func (p *portal) clusterPath() string {
	return "/portal/clusters/" + subscription + "/" + group + "/" + cluster
}

// keep records the page's HTML for the canary check at the end.
func (p *portal) keep(what string) {
	*p.seen = append(*p.seen, shown{what, p.b.HTML()})
}

// keepReceived records every response the browser received, with its body, for the canary
// check; it fails when the browser received no portal page, so that the check cannot pass
// on nothing.
func (p *portal) keepReceived() {
	p.t.Helper()
	pages := 0
	for _, r := range p.b.Received() {
		*p.seen = append(*p.seen, shown{fmt.Sprintf("the response %d of %s", r.Status, r.URL), r.Body})
		if strings.Contains(r.URL, "/portal/") && strings.Contains(r.Body, "</html>") {
			pages++
		}
	}
	if pages == 0 {
		p.t.Fatal("the browser recorded no portal page")
	}
}

// screenshot saves the page as name in the -portal-screenshots directory, when set.
func (p *portal) screenshot(name string) {
	if *screenshots == "" {
		return
	}
	if err := os.MkdirAll(*screenshots, 0o755); err != nil {
		p.t.Fatal(err)
	}
	p.b.Screenshot(filepath.Join(*screenshots, name))
}

// markPage leaves a mark in the page's JavaScript state; a reload would lose it.
func (p *portal) markPage() {
	p.t.Helper()
	var ok bool
	if err := p.b.Eval("(window.kubearcE2EMark = true)", &ok); err != nil || !ok {
		p.t.Fatalf("marking the page: %v", err)
	}
}

// expectSamePage fails when the page was reloaded or left since markPage.
func (p *portal) expectSamePage() {
	p.t.Helper()
	var marked bool
	if err := p.b.Eval("window.kubearcE2EMark === true", &marked); err != nil || !marked {
		p.t.Fatalf("the page was reloaded or left (%v): it must update live", err)
	}
}

// expectRow checks that the first table row with key shows want in one of its cells.
func (p *portal) expectRow(key, want string) error {
	row := p.b.Row(key)
	for _, c := range row {
		if c == want || strings.HasPrefix(c, want+" ") || strings.HasPrefix(c, want+"\n") {
			return nil
		}
	}
	return fmt.Errorf("the row of %s shows %q, want %s", key, row, want)
}

// expectNoToken checks that the token is in neither the address, the page nor the
// browser's storage.
func (p *portal) expectNoToken(token string) {
	p.t.Helper()
	for what, s := range map[string]string{"address": p.b.URL(), "page": p.b.HTML(), "storage": p.b.Storage()} {
		if strings.Contains(s, token) {
			p.t.Errorf("the browser's %s holds the token", what)
		}
	}
}

// createExtension fills the cluster page's extension form and submits it.
func (p *portal) createExtension(name, version, settings, protected string) {
	p.t.Helper()
	p.b.ExpectStatus("the cluster page", p.b.Open(p.e.hub+p.clusterPath()), http.StatusOK)
	const form = "Extension type"
	p.b.FillIn(form, form, demoType)
	p.b.FillIn(form, "Name", name)
	p.b.FillIn(form, "Version", version)
	p.b.FillIn(form, "Configuration settings", settings)
	p.b.FillIn(form, "Protected settings", protected)
	p.b.ExpectStatus("creating the extension", p.b.SubmitFormOf(form), http.StatusOK)
	p.keep("cluster page after the create")
}

// forgeExtension posts the extension form the Reader's page does not offer, with the
// session's own form token, from the Reader's page: the hub must refuse it with 403.
func (p *portal) forgeExtension(name string) {
	p.t.Helper()
	var csrf string
	if err := p.b.Eval(`(document.querySelector('input[name=csrf]') || {}).value || ''`, &csrf); err != nil || csrf == "" {
		p.t.Fatalf("no form token on the Reader's page to forge a write with (%v)", err)
	}
	resp := p.b.PostForm(p.clusterPath()+"/extensions", map[string]string{"csrf": csrf, "name": name, "type": demoType,
		"version": "0.1.0", "protectedSettings": "auth.password=" + canary})
	*p.seen = append(*p.seen, shown{"the forged write's answer", resp.Body})
	if resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, "Not allowed") {
		p.t.Errorf("the Reader's forged write got %d, want 403 Not allowed:\n%.1000s", resp.Status, resp.Body)
	}
}

// expectNoCanary checks every page and response the test read in the browser.
func (p *portal) expectNoCanary() {
	p.t.Helper()
	if len(*p.seen) == 0 {
		p.t.Fatal("no page was kept to check")
	}
	for _, s := range *p.seen {
		if strings.Contains(s.content, canary) {
			p.t.Errorf("%s shows the protected setting", s.what)
		}
	}
}

// stopLocalAgent stops the agent arcctl started, through its pid file.
func (e *env) stopLocalAgent() {
	e.t.Helper()
	raw, err := os.ReadFile(e.agentPIDFile())
	if err != nil {
		e.t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		e.t.Fatalf("stopping the agent: %v", err)
	}
}

// startAgentReplica starts the agent again as a process of the test, with the local agent's
// kubeconfig (as the failover step does).
func (e *env) startAgentReplica() {
	e.t.Helper()
	e.start("kubearc-agent", "--kubeconfig", filepath.Join(e.dir, "agents", cluster, "kubeconfig"), "--namespace", "kubearc-system",
		"--leader-election-namespace", "kubearc-system", "--metrics-bind-address", "0",
		"--health-probe-bind-address", freeAddr(e.t))
}

// createToken creates a hub token with arcctl and returns its secret.
func (e *env) createToken(name, role string) string {
	e.t.Helper()
	var created struct {
		Token string `json:"token"`
	}
	out := e.arcctl("token", "create", "--name", name, "--role", role, "-o", "json")
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.Token == "" {
		e.t.Fatalf("arcctl token create -o json: %v\n%s", err, out)
	}
	return created.Token
}
