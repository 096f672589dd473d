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
	"net/http"
	"strings"
)

type sessionKey struct{}

// sessionFrom returns the request's session, set by signedIn.
func sessionFrom(ctx context.Context) *session {
	ses, _ := ctx.Value(sessionKey{}).(*session)
	return ses
}

// signedIn runs next for a request with a live session whose token the hub still accepts,
// with the token's principal in the context as the API's middleware puts it there. Others
// get the sign-in page, or the page saying the session expired.
func (p *Portal) signedIn(next http.HandlerFunc) http.Handler {
	inner := p.opts.Authenticated(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		if err != nil {
			p.signInRequired(w, r, "")
			return
		}
		ses, expired, err := p.sessions.use(r.Context(), c.Value)
		if err != nil { // the session could not be checked: it stays
			p.failed(w, r, err)
			return
		}
		if ses == nil {
			msg := ""
			if expired {
				msg = "Your session expired. Sign in again."
			}
			p.signInRequired(w, r, msg)
			return
		}
		authed, status := p.authenticate(r, ses.token)
		switch status {
		case http.StatusOK:
		case http.StatusUnauthorized:
			if err := p.sessions.end(r.Context(), ses); err != nil {
				p.opts.Log.Warn("Ending the session of a refused token failed; it expires", "error", err)
			}
			p.signInRequired(w, r, "The hub no longer accepts your token (it was revoked or it expired). Sign in again.")
			return
		default: // the token could not be checked: the session stays
			p.unavailable(w, r, status)
			return
		}
		inner.ServeHTTP(w, authed.WithContext(context.WithValue(authed.Context(), sessionKey{}, ses)))
	})
}

// authenticate checks token with the API's own middleware and returns r with the principal
// it admits and 200, or the middleware's status: 401 when it refuses the token, 503 when the
// hub's store cannot check it now.
func (p *Portal) authenticate(r *http.Request, token string) (*http.Request, int) {
	probe := r.Clone(r.Context())
	probe.Header = http.Header{"Authorization": {"Bearer " + token}}
	var admitted *http.Request
	rec := newRecorder()
	p.opts.Authenticator.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, ar *http.Request) {
		admitted = ar
	})).ServeHTTP(rec, probe)
	if admitted == nil {
		return nil, rec.status
	}
	return r.WithContext(admitted.Context()), http.StatusOK
}

// signInRequired answers 401 with the sign-in form and, when set, why the session ended.
func (p *Portal) signInRequired(w http.ResponseWriter, r *http.Request, message string) {
	w.Header().Set("WWW-Authenticate", `Cookie realm="kubearc portal"`)
	if message != "" {
		clearCookie(w)
	}
	p.render(w, r, http.StatusUnauthorized, "signin", signInView{Expired: message, Next: r.URL.Path})
}

type signInView struct {
	Expired, Error, Next string
}

func (p *Portal) signInPage(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "signin", signInView{Next: Prefix})
}

// signIn takes the token from the form body (never a URL), checks it as the API would, and
// starts a session.
func (p *Portal) signIn(w http.ResponseWriter, r *http.Request) {
	if !p.parseForm(w, r, maxSignInBytes) {
		return
	}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if len(r.PostForm["token"]) != 1 || token == "" {
		p.render(w, r, http.StatusBadRequest, "signin", signInView{Error: "Enter a hub token."})
		return
	}
	switch _, status := p.authenticate(r, token); {
	case status >= http.StatusInternalServerError: // the token could not be checked now
		p.unavailable(w, r, status)
		return
	case status != http.StatusOK:
		p.render(w, r, http.StatusUnauthorized, "signin",
			signInView{Error: "The hub does not accept this token: it is unknown, revoked or expired. Create one with 'arcctl token create'."})
		return
	}
	ses, err := p.sessions.create(r.Context(), token)
	if err != nil {
		p.failed(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: ses.id, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

// safeNext keeps the redirect after sign-in on a portal page.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, Prefix+"events") {
		return Prefix
	}
	return next
}

// signOut ends the session; it needs the session's form token like every write.
func (p *Portal) signOut(w http.ResponseWriter, r *http.Request) {
	if !p.parseForm(w, r, maxSignInBytes) {
		return
	}
	if c, err := r.Cookie(cookieName); err == nil && !p.endSession(w, r, c.Value) {
		return
	}
	clearCookie(w)
	p.render(w, r, http.StatusOK, "signin", signInView{Expired: "You signed out.", Next: Prefix})
}

// endSession ends the session id, on every replica, when the form's token is the session's;
// false when it answered instead (a stale form, the store out of reach).
func (p *Portal) endSession(w http.ResponseWriter, r *http.Request, id string) bool {
	ses, err := p.sessions.peek(r.Context(), id)
	if err == nil && ses != nil {
		if !ses.validCSRF(r.PostForm.Get("csrf")) {
			p.renderError(w, r, http.StatusForbidden, "Request refused", "The form is out of date; reload the page and try again.")
			return false
		}
		err = p.sessions.end(r.Context(), ses)
	}
	if err != nil {
		p.failed(w, r, err)
		return false
	}
	return true
}

func clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}
