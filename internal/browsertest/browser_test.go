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

package browsertest

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// page is a small site with what the portal's pages have: a sign-in form, a table, a
// script that changes the page without a reload.
func page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/forms":
		_, _ = fmt.Fprint(w, `<!doctype html><form method="post" action="/flux"><label>Name <input name="name"></label></form>
<form method="post" action="/echo"><label for="n">Name</label><input id="n" name="name">
<label>Extension type <select name="type"><option>a</option><option>kubearc.demo</option></select></label></form>`)
		return
	case "/echo":
		w.WriteHeader(http.StatusForbidden)
		_ = r.ParseForm()
		_, _ = fmt.Fprintf(w, "refused %s", r.PostForm.Encode())
		return
	}
	if r.Method == http.MethodPost {
		if r.FormValue("token") != "s3cret" {
			http.Error(w, "wrong token", http.StatusForbidden)
			return
		}
		_, _ = fmt.Fprint(w, `<!doctype html><title>Fleet</title><table><tr><th>Name</th><th>State</th></tr>
<tr><td>c1</td><td id="s">Connected</td></tr></table>
<form method="post" action="/delete"><button aria-label="Delete c1">×</button></form>
<script>setTimeout(() => { document.getElementById('s').textContent = 'Offline' }, 500)</script>`)
		return
	}
	_, _ = fmt.Fprint(w, `<!doctype html><title>Sign in</title><form method="post" action="/">
<label for="t">Hub token</label><input id="t" name="token" type="password"><button>Sign in</button></form>`)
}

func newSite(t *testing.T) (*httptest.Server, Options) {
	srv := httptest.NewTLSServer(http.HandlerFunc(page))
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, Options{TrustAddr: srv.Listener.Addr().String(), CAPEM: ca}
}

func TestSignInTableAndLiveText(t *testing.T) {
	srv, opts := newSite(t)
	b := New(t, opts)
	b.SignIn(srv.URL, "s3cret")
	if got := b.Headers("c1"); !slices.Equal(got, []string{"Name", "State"}) {
		t.Errorf("headers %q, want Name, State", got)
	}
	if got := b.Row("c1"); !slices.Equal(got, []string{"c1", "Connected"}) {
		t.Errorf("row %q, want c1, Connected", got)
	}
	b.WaitText("Offline")
	if got := b.Row("c1"); !slices.Equal(got, []string{"c1", "Offline"}) {
		t.Errorf("row %q after the script ran, want c1, Offline", got)
	}
	if got := b.Buttons(); !slices.Equal(got, []string{"Delete c1"}) {
		t.Errorf("buttons %q, want the aria-label Delete c1", got)
	}
	if got := b.Forms(); !slices.Equal(got, []string{"POST /delete"}) {
		t.Errorf("forms %q, want POST /delete", got)
	}
	var pages []Received // the browser also asks for /favicon.ico
	for _, r := range b.Received() {
		if r.URL == srv.URL+"/" {
			pages = append(pages, r)
		}
	}
	if len(pages) != 2 || !strings.Contains(pages[0].Body, "Hub token") || !strings.Contains(pages[1].Body, "<td>c1</td>") {
		t.Errorf("recorded %+v, want the sign-in page and the table", pages)
	}
	if html := b.HTML(); !strings.Contains(html, `<td id="s">Offline</td>`) {
		t.Errorf("HTML does not have the changed cell: %s", trimmed(html))
	}
}

func TestWrongTokenShowsTheRefusal(t *testing.T) {
	srv, opts := newSite(t)
	b := New(t, opts)
	b.ExpectStatus("the sign-in page", b.Open(srv.URL), http.StatusOK)
	b.Fill("token", "wrong")
	b.ExpectStatus("a wrong token", b.Press("Sign in"), http.StatusForbidden)
	b.WaitText("wrong token")
}

// failingTB is a test that has failed, keeping its artifacts in dir.
type failingTB struct {
	*testing.T
	dir string
}

func (f failingTB) Failed() bool        { return true }
func (f failingTB) ArtifactDir() string { return f.dir }

func TestScreenshotWhenTheTestFails(t *testing.T) {
	dir := t.TempDir()
	t.Cleanup(func() { // runs after the browser's cleanup
		shots, _ := filepath.Glob(filepath.Join(dir, "failure-*.png"))
		if len(shots) != 1 {
			t.Fatalf("want one screenshot after a failure, got %q", shots)
		}
		png, err := os.ReadFile(shots[0])
		if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Errorf("no PNG screenshot after a failure: %v", err)
		}
	})
	srv, opts := newSite(t)
	b := New(failingTB{T: t, dir: dir}, opts)
	b.ExpectStatus("the sign-in page", b.Open(srv.URL), http.StatusOK)
}

func TestFormsByLabelAndForgedPost(t *testing.T) {
	srv, opts := newSite(t)
	b := New(t, opts)
	b.ExpectStatus("the forms page", b.Open(srv.URL+"/forms"), http.StatusOK)
	b.FillIn("Extension type", "Extension type", "kubearc.demo")
	b.FillIn("Extension type", "name", "demo")
	b.ExpectStatus("submitting the extension form", b.SubmitFormOf("Extension type"), http.StatusForbidden)
	b.WaitText("refused name=demo&type=kubearc.demo")
	got := b.PostForm("/echo", map[string]string{"name": "forged"})
	if got.Status != http.StatusForbidden || got.Body != "refused name=forged" {
		t.Errorf("the forged POST got %+v, want 403 refused name=forged", got)
	}
	if !slices.ContainsFunc(b.Received(), func(r Received) bool {
		return r.Status == http.StatusForbidden && r.Body == "refused name=forged"
	}) {
		t.Errorf("the recorded responses lack the forged POST's: %+v", b.Received())
	}
	if s := b.Storage(); s != "[[],[]]" {
		t.Errorf("the page's storage is %s, want empty", s)
	}
}
