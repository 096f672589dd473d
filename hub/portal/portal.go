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

// Package portal serves the fleet portal: server-rendered pages under /portal/ on the hub's
// own port. Every read and every action goes through the management API's own handler, in
// process, as the signed-in token's principal: the portal holds no authorization or business
// logic of its own.
package portal

import (
	"embed"
	"log/slog"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/connectivity"
	"github.com/kubearc/kubearc/hub/events"
	"github.com/kubearc/kubearc/hub/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Prefix is the path under which the portal is served.
const Prefix = "/portal/"

// Options are the hub's parts the portal reads through.
type Options struct {
	// ARM is the management API's handler (armapi.API.Handler) without authentication: the
	// portal calls it with the session's principal in the request context.
	ARM http.Handler
	// Authenticator checks the session's token on every request, as the API does.
	Authenticator *auth.Authenticator
	// Store and Tracker page through the clusters for the fleet view; Store also keeps the
	// sessions, shared by the hub's replicas.
	Store   store.Store
	Tracker *connectivity.Tracker
	// DataKey is the hub's data key, which seals the sessions' tokens in the store.
	DataKey []byte
	// Changes wakes the open pages' live updates; nil leaves only the periodic check.
	Changes *events.Broadcaster
	// Authenticated, when set, wraps what runs after a session's token was checked (the
	// hub counts the connection as authenticated).
	Authenticated func(http.Handler) http.Handler
	// IdleTimeout ends a session unused this long (default 30m); MaxSessionAge ends any
	// session this long after sign-in (default 12h).
	IdleTimeout   time.Duration
	MaxSessionAge time.Duration
	// MaxSessions bounds the sessions the store keeps for all replicas (default 10,000) and
	// MaxSessionsPerToken those of one token (default 16): signing in past a cap ends the
	// oldest session.
	MaxSessions         int
	MaxSessionsPerToken int
	// MaxStreams bounds the live-update streams of one session (default 4); more get 429.
	MaxStreams int
	// PageSize is the number of clusters per fleet page (default 25).
	PageSize int
	// LiveInterval is how often an open page is checked for changes (default 2s).
	LiveInterval time.Duration
	Log          *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Portal serves the portal's pages.
type Portal struct {
	opts     Options
	sessions *sessions
	pages    *pages
	live     *liveHub
	// reads serves the pages that live updates re-render, for an authenticated request.
	reads *http.ServeMux
}

// New returns the portal over opts.
func New(opts Options) *Portal {
	opts = opts.withDefaults()
	p := &Portal{opts: opts, sessions: newSessions(opts.Store, opts.DataKey, opts), pages: embeddedPages,
		live: newLiveHub()}
	p.reads = http.NewServeMux()
	p.reads.HandleFunc("GET /portal/{$}", p.fleet)
	p.reads.HandleFunc("GET "+clusterRoute, p.clusterPage)
	if opts.Changes != nil {
		opts.Changes.OnChange(func(string) { p.live.wake() })
	}
	return p
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Minute
	}
	if o.MaxSessionAge <= 0 {
		o.MaxSessionAge = 12 * time.Hour
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 10000
	}
	if o.MaxSessionsPerToken <= 0 {
		o.MaxSessionsPerToken = 16
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = 4
	}
	if o.PageSize <= 0 {
		o.PageSize = 25
	}
	if o.LiveInterval <= 0 {
		o.LiveInterval = 2 * time.Second
	}
	if o.Authenticated == nil {
		o.Authenticated = func(h http.Handler) http.Handler { return h }
	}
	return o
}

// Handler returns the portal's routes, under Prefix. Writes from another origin are refused
// (http.CrossOriginProtection) before any route runs; a signed-in write also needs the
// session's form token.
func (p *Portal) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /portal/static/", http.StripPrefix("/portal/", http.FileServerFS(assets)))
	mux.HandleFunc("GET /portal/signin", p.signInPage)
	mux.HandleFunc("POST /portal/signin", p.signIn)
	mux.HandleFunc("POST /portal/signout", p.signOut)
	mux.Handle("GET /portal/{$}", p.signedIn(p.fleet))
	mux.Handle("GET /portal/events", p.signedIn(p.events))
	mux.Handle("GET "+clusterRoute, p.signedIn(p.clusterPage))
	mux.Handle("POST "+clusterRoute+"/agent", p.signedIn(p.writeForm(p.updateAgent)))
	mux.Handle("POST "+clusterRoute+"/extensions", p.signedIn(p.writeForm(p.createExtension)))
	mux.Handle("POST "+clusterRoute+"/extensions/{child}/delete", p.signedIn(p.writeForm(p.deleteExtension)))
	mux.Handle("POST "+clusterRoute+"/flux", p.signedIn(p.writeForm(p.createFlux)))
	mux.Handle("POST "+clusterRoute+"/flux/{child}/delete", p.signedIn(p.writeForm(p.deleteFlux)))
	mux.HandleFunc("/portal/", func(w http.ResponseWriter, r *http.Request) {
		p.renderError(w, r, http.StatusNotFound, "Page not found", "There is no portal page at "+r.URL.Path+".")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.renderError(w, r, http.StatusForbidden, "Request refused",
			"This request came from another site; the portal accepts changes only from its own pages.")
	}))
	return securityHeaders(cop.Handler(mux))
}

// securityHeaders keeps the pages out of frames and other origins' scripts and styles.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
