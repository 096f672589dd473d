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

package portal

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// keepAliveEvery is how often an idle event stream carries a comment, so that proxies keep it.
const keepAliveEvery = 15 * time.Second

// events streams server-sent events for the open page ?u=: a "change" event whenever what
// the page shows differs from what it showed when the stream opened. It re-renders the page
// as the signed-in principal when the hub's change stream (hub/events) signals a write, and
// every LiveInterval for what changes with time alone (a cluster going Offline, an agent's
// report); the streams of one page and token share one render. The page's script then
// fetches the page again. A session has at most MaxStreams streams; more get 429.
func (p *Portal) events(w http.ResponseWriter, r *http.Request) {
	page, ok := livePage(r.URL.Query().Get("u"))
	if !ok {
		p.renderError(w, r, http.StatusBadRequest, "Bad request", "u must be the path of a portal page.")
		return
	}
	ses := sessionFrom(r.Context())
	closeStream, ok := p.live.open(ses.id, p.opts.MaxStreams)
	if !ok {
		p.renderError(w, r, http.StatusTooManyRequests, "Too many live pages",
			fmt.Sprintf("This session already updates %d pages live; close some of its tabs (the others are current when reloaded).", p.opts.MaxStreams))
		return
	}
	defer closeStream()
	// What the page shows is taken before the stream opens: a change after the client sees
	// it open is never missed.
	wake, stop := p.live.subscribe()
	defer stop()
	sum := sha256.Sum256([]byte(ses.token))
	shared, release := p.live.share(fmt.Sprintf("%x %s", sum, page.RequestURI()))
	defer release()
	check := &pageCheck{p: p, r: r, page: page, shared: shared}
	seen, _ := check.run()
	p.stream(w, r, check, wake, seen)
}

// stream sends the events of an open page until the request or the session ends.
func (p *Portal) stream(w http.ResponseWriter, r *http.Request, check *pageCheck, wake <-chan struct{}, seen string) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	next, keepAlive := time.NewTimer(check.gap()), time.NewTicker(keepAliveEvery)
	defer next.Stop()
	defer keepAlive.Stop()
	for n := 1; ; {
		select {
		case <-r.Context().Done():
			return
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			continue
		case <-wake:
			if !check.wait() {
				return
			}
		case <-next.C:
		}
		now, state := check.run()
		next.Reset(check.gap())
		switch {
		case state == liveEnded: // the page's reload shows why
			_, _ = fmt.Fprint(w, "event: ended\ndata: {}\n\n")
			_ = rc.Flush()
			return
		case state == liveUnavailable || now == seen:
			continue
		}
		seen = now
		if _, err := fmt.Fprintf(w, "event: change\ndata: %d\n\n", n); err != nil || rc.Flush() != nil {
			return
		}
		n++
	}
}

// pageCheck re-renders one open page, spaced so that an open page costs at most a tenth of
// the time: at least LiveInterval apart, and ten times what the last render took (a fleet
// of 10,000 clusters renders in about 150 ms). A render of the page for the same token
// within that time, and since the latest change signal, is reused.
type pageCheck struct {
	p      *Portal
	r      *http.Request
	page   *url.URL
	shared *sharedRender
	last   time.Time
	took   time.Duration
}

func (c *pageCheck) run() (string, liveState) {
	switch cur, err := c.p.sessions.peek(c.r.Context(), sessionFrom(c.r.Context()).id); {
	case err != nil: // the session could not be checked: it stays
		return "", liveUnavailable
	case cur == nil:
		return "", liveEnded
	}
	sh := c.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	gen := c.p.live.gen.Load()
	if !sh.taken || sh.gen != gen || time.Since(sh.at) >= c.p.gap(sh.took) {
		start := time.Now()
		sh.fp, sh.state = c.p.fingerprint(c.r, c.page)
		sh.taken, sh.gen, sh.at, sh.took = true, gen, time.Now(), time.Since(start)
	}
	c.last, c.took = time.Now(), sh.took
	return sh.fp, sh.state
}

// gap is the time to wait after a render before the next.
func (c *pageCheck) gap() time.Duration { return c.p.gap(c.took) }

// gap is the time between renders of an open page that took took.
func (p *Portal) gap(took time.Duration) time.Duration { return max(p.opts.LiveInterval, 10*took) }

// wait waits until the next render is due after a wake-up; false when the request ended.
func (c *pageCheck) wait() bool {
	t := time.NewTimer(c.gap() - time.Since(c.last))
	defer t.Stop()
	select {
	case <-c.r.Context().Done():
		return false
	case <-t.C:
		return true
	}
}

// livePage accepts the fleet view and cluster pages only.
func livePage(u string) (*url.URL, bool) {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "" || parsed.Host != "" {
		return nil, false
	}
	if parsed.Path != Prefix && !strings.HasPrefix(parsed.Path, "/portal/clusters/") {
		return nil, false
	}
	return parsed, true
}

// fingerprint renders page as the request's session's token would see it now and hashes it.
// The render leaves out the session (its form token): the sessions of one token share it.
func (p *Portal) fingerprint(r *http.Request, page *url.URL) (string, liveState) {
	authed, status := p.authenticate(r, sessionFrom(r.Context()).token)
	switch status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return "", liveEnded
	default:
		return "", liveUnavailable
	}
	req := authed.Clone(context.WithValue(authed.Context(), sessionKey{}, (*session)(nil)))
	req.Method, req.URL, req.RequestURI = http.MethodGet, page, page.RequestURI()
	req.Header = http.Header{}
	rec := newRecorder()
	p.reads.ServeHTTP(rec, req)
	if rec.status == http.StatusServiceUnavailable {
		return "", liveUnavailable
	}
	return fmt.Sprintf("%d:%x", rec.status, sha256.Sum256(rec.body.Bytes())), liveShown
}
