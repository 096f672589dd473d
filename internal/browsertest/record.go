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
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// Received is one response the browser got, with its body.
type Received struct {
	URL    string
	Status int
	Body   string
}

// recorder keeps every response the tab receives, with its body: the browser pauses each
// response (the Fetch domain at the response stage) until its body was read. Redirects have
// no body to read, and a stream of server-sent events never ends, so those are kept without
// their body; what the stream changed on the page is in the page's HTML.
type recorder struct {
	mu       sync.Mutex
	wg       sync.WaitGroup
	received []Received
	errs     []error
}

// record starts keeping the responses of the browser's tab.
func (b *Browser) record() error {
	b.rec = &recorder{}
	err := chromedp.Listen(b.ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			b.rec.mu.Lock()
			i := len(b.rec.received)
			b.rec.received = append(b.rec.received, Received{URL: ev.Request.URL, Status: int(ev.ResponseStatusCode)})
			b.rec.mu.Unlock()
			// Not here: a command from the listener would block the tab's message loop.
			b.rec.wg.Add(1)
			go b.keepBody(i, ev)
		}
	})
	if err != nil {
		return err
	}
	_, err = chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageResponse}}})
	return err
}

// bodyTimeout bounds the reading of one response's body.
const bodyTimeout = 30 * time.Second

// keepBody reads the body of the paused response i, then lets the browser have it.
func (b *Browser) keepBody(i int, ev *fetch.EventRequestPaused) {
	defer b.rec.wg.Done()
	var body string
	var err error
	if hasBody(ev) {
		// Bounded: the browser may have dropped the request (it left the page), and then
		// never answers for its body; ContinueRequest below then fails, and nothing is missing.
		ctx, cancel := context.WithTimeout(b.ctx, bodyTimeout)
		var res fetch.GetResponseBodyResult
		res, err = chromedp.Call(ctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID})
		cancel()
		body = string(res.Body)
	}
	_, cerr := chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	b.rec.received[i].Body = body
	// A request the browser no longer holds (it left the page, or ended the stream) cannot go
	// on: the page never got its body, so there is nothing missing.
	if b.ctx.Err() != nil || cerr != nil {
		return
	}
	if err != nil {
		b.rec.errs = append(b.rec.errs, fmt.Errorf("%s: %w", ev.Request.URL, err))
	}
}

// hasBody says whether a paused response has a body to read before it goes on: not a
// redirect, a failure or an event stream.
func hasBody(ev *fetch.EventRequestPaused) bool {
	if ev.ResponseErrorReason != "" || ev.ResponseStatusCode >= 300 && ev.ResponseStatusCode < 400 {
		return false
	}
	for _, h := range ev.ResponseHeaders {
		if strings.EqualFold(h.Name, "Content-Type") && strings.HasPrefix(h.Value, "text/event-stream") {
			return false
		}
	}
	return true
}

// Received returns every response the browser got so far with its body, oldest first.
func (b *Browser) Received() []Received {
	b.t.Helper()
	b.rec.wg.Wait()
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	if len(b.rec.errs) > 0 {
		b.t.Fatalf("reading %d response bodies: %v", len(b.rec.errs), b.rec.errs[0])
	}
	return append([]Received(nil), b.rec.received...)
}
