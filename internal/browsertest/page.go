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
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/chromedp/chromedp"
)

// Wait is how long the helpers wait for a page to show what they look for.
const Wait = 30 * time.Second

// Open navigates to url and returns the HTTP status of the document.
func (b *Browser) Open(url string) int {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(url))
	if err != nil {
		b.t.Fatalf("opening %s: %v", url, err)
	}
	return int(resp.Status)
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON value into out.
func (b *Browser) Eval(expression string, out any) error {
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[json.RawMessage](expression))
	if err != nil {
		return fmt.Errorf("evaluating %q: %w", expression, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding what %q returned: %w", expression, err)
	}
	return nil
}

// Submit runs a JavaScript statement that submits a form or follows a link, waits for the
// next page to load and returns its HTTP status.
func (b *Browser) Submit(statement string) int {
	b.t.Helper()
	act := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[json.RawMessage]("(() => {"+statement+"; return true})()")(ctx, t)
		return err
	})
	resp, err := chromedp.RunResponse(b.ctx, act)
	if err != nil {
		b.t.Fatalf("submitting (%s): %v\npage: %s", statement, err, trimmed(b.Text()))
	}
	return int(resp.Status)
}

// URL is the page's address.
func (b *Browser) URL() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("reading the location: %v", err)
	}
	return u
}

// HTML is the page's markup as the browser has it now (after scripts changed it).
func (b *Browser) HTML() string {
	b.t.Helper()
	var html string
	if err := b.Eval("document.documentElement.outerHTML", &html); err != nil {
		b.t.Fatalf("%v", err)
	}
	return html
}

// Text is the page's visible text, "" when it cannot be read (the page is loading).
func (b *Browser) Text() string {
	var text string
	if err := b.Eval("document.body ? document.body.innerText : ''", &text); err != nil {
		return ""
	}
	return text
}

// Until polls check every 250 ms until it returns nil, and fails the test with its last error
// after timeout. It does not reload the page.
func (b *Browser) Until(what string, timeout time.Duration, check func() error) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waiting %s for %s: %v\npage %s: %s", timeout, what, err, b.URL(), trimmed(b.Text()))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// ExpectStatus fails the test unless got is want.
func (b *Browser) ExpectStatus(what string, got, want int) {
	b.t.Helper()
	if got != want {
		b.t.Fatalf("%s: HTTP %d %s, want %d\npage: %s", what, got, http.StatusText(got), want, trimmed(b.Text()))
	}
}

// Response is what a fetch from the page got.
type Response struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// PostForm sends fields to path with fetch() from the page, as a script of the page could:
// same origin, with the browser's cookies. It is how a test forges a write the page offers
// no control for.
func (b *Browser) PostForm(path string, fields map[string]string) Response {
	b.t.Helper()
	js := fmt.Sprintf(`fetch(%s, {method: 'POST', body: new URLSearchParams(%s), redirect: 'manual'})
  .then(async r => ({status: r.status, body: await r.text()}))`, jsString(path), jsonOf(fields))
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("POST %s from the page: %v", path, err)
	}
	var resp Response
	if err := json.Unmarshal(raw, &resp); err != nil {
		b.t.Fatalf("POST %s from the page: %v", path, err)
	}
	return resp
}

// Storage is what the page keeps in localStorage and sessionStorage, as JSON.
func (b *Browser) Storage() string {
	b.t.Helper()
	var s string
	if err := b.Eval(`JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])`, &s); err != nil {
		b.t.Fatalf("%v", err)
	}
	return s
}

func jsonOf(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
