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
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/hub/store"
)

// pageNames are the templates that are whole pages, each with the layout.
var pageNames = []string{"signin", "fleet", "cluster", "error"}

type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"utc": func(t any) string {
		switch v := t.(type) {
		case *time.Time:
			if v == nil || v.IsZero() {
				return "never"
			}
			return v.UTC().Format("2006-01-02 15:04:05 UTC")
		case time.Time:
			return v.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		return ""
	},
	"lower": strings.ToLower,
	"deref": func(n *int) string {
		if n == nil {
			return "–"
		}
		return fmt.Sprint(*n)
	},
	"str": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
}

// embeddedPages are the templates compiled into the binary; a broken one fails every test.
var embeddedPages = parsePages()

func parsePages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		p.byName[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// layout is what every page's frame shows, with the page's own data.
type layout struct {
	Title string
	// User, CSRF and Signed are set for a signed-in page: its principal and form token.
	User   *auth.Principal
	CSRF   string
	Signed bool
	// Live pages load the script that updates them; PagePath is what it fetches again.
	Live     bool
	PagePath string
	Data     any
}

// render writes a page; a template error is logged and answered 500 with no details.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	l := layout{Title: titles[name], Data: data, PagePath: r.URL.RequestURI()}
	if ses := sessionFrom(r.Context()); ses != nil {
		if pr, ok := auth.PrincipalFrom(r.Context()); ok {
			l.User, l.CSRF, l.Signed = &pr, ses.csrf, true
			l.Live = name == "fleet" || name == "cluster"
		}
	}
	var buf bytes.Buffer
	if err := p.pages.byName[name].ExecuteTemplate(&buf, "layout", l); err != nil {
		p.opts.Log.Error("Rendering a portal page failed", "page", name, "error", err)
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var titles = map[string]string{"signin": "Sign in", "fleet": "Fleet", "cluster": "Cluster", "error": "Error"}

type errorView struct {
	Heading, Message string
}

// renderError answers status with a page saying what went wrong.
func (p *Portal) renderError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	p.render(w, r, status, "error", errorView{Heading: heading, Message: message})
}

// failed answers an error of the API: its own status and message when it is the caller's
// (403, 404, 400), 503 when the hub's store is out of reach or its write kept losing races to
// other writers (busy: trying again works), nothing when the browser went away meanwhile
// (a request it cancelled is no failure of the hub's), a generic 500 page (details in the
// hub's log) otherwise.
func (p *Portal) failed(w http.ResponseWriter, r *http.Request, err error) {
	var ae *armError
	if errors.Is(err, store.ErrUnavailable) || errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable {
		p.unavailable(w, r, http.StatusServiceUnavailable)
		return
	}
	if errors.Is(err, store.ErrRacesLost) {
		p.opts.Log.Warn("A portal request lost its races in the store", "path", r.URL.Path, "error", err)
		w.Header().Set("Retry-After", "1")
		p.renderError(w, r, http.StatusServiceUnavailable, "Try again shortly", "The hub is busy; try again shortly.")
		return
	}
	if errors.As(err, &ae) && ae.Status < 500 {
		heading := map[int]string{http.StatusForbidden: "Not allowed", http.StatusNotFound: "Not found"}[ae.Status]
		if heading == "" {
			heading = "Request refused"
		}
		p.renderError(w, r, ae.Status, heading, ae.Message)
		return
	}
	if r.Context().Err() != nil { // the browser left the page: nobody reads the answer
		p.opts.Log.Debug("A portal request ended before its answer", "path", r.URL.Path, "error", err)
		return
	}
	p.opts.Log.Error("A portal page failed", "path", r.URL.Path, "error", err)
	p.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "The hub could not answer; try again, and see the hub's log if it persists.")
}

// unavailable answers a request the hub cannot serve for the moment (its store is out of
// reach: status 503), keeping the session.
func (p *Portal) unavailable(w http.ResponseWriter, r *http.Request, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
		p.renderError(w, r, status, "Try again shortly", "The hub's store is unavailable; try again shortly.")
		return
	}
	p.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "The hub could not check your token; try again, and see the hub's log if it persists.")
}
