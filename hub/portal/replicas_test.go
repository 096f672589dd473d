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
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/pgtest"
)

// startReplicas starts replicas a and b of one hub on one PostgreSQL database, sharing a data
// directory (the CA, data.key and admin token), and returns them and the database's DSN.
func startReplicas(t *testing.T) (a, b *hubtest.Hub, dsn string) {
	t.Helper()
	dir, dsn := t.TempDir(), pgtest.Start(t).Database(t, "portal")
	start := func(id string) *hubtest.Hub {
		h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: func(c *server.Config) {
			c.ReplicaID, c.StoreDSN = id, dsn
		}})
		if err != nil {
			t.Fatalf("starting replica %s: %v", id, err)
		}
		t.Cleanup(func() { _ = h.Stop() })
		return h
	}
	return start("a"), start("b"), dsn
}

// through is the same browser (its cookies) reaching replica h, as through a round-robin
// load balancer.
func (b *browser) through(h *hubtest.Hub) *browser {
	c := h.HTTPClient()
	c.Jar = b.client.Jar
	return &browser{t: b.t, h: h, client: c, seen: b.seen}
}

// sessionCookie is the browser's session cookie for h.
func (b *browser) sessionCookie() *http.Cookie {
	b.t.Helper()
	u, _ := url.Parse(b.h.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "__Host-kubearc-portal" {
			return c
		}
	}
	b.t.Fatal("the browser has no session cookie")
	return nil
}

// sessionRows reads the portal_sessions table directly, every column as text.
func sessionRows(t *testing.T, dsn string) []string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	rows, err := conn.Query(t.Context(), "SELECT id_hash, token_hash, sealed_token, csrf, created_at, last_seen FROM portal_sessions")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var idHash, tokenHash []byte
		var sealed, csrf, created, seen string
		if err := rows.Scan(&idHash, &tokenHash, &sealed, &csrf, &created, &seen); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join([]string{string(idHash), hex.EncodeToString(idHash), string(tokenHash),
			hex.EncodeToString(tokenHash), sealed, csrf, created, seen}, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Behind a round-robin load balancer a browser's requests land on either replica: a session
// started on a is signed in on b; signing out on b ends it on a too; the store holds neither
// the token nor the session's ID in plaintext; a token revoked through b ends its session on
// a; the per-token cap counts the sessions of every replica.
func TestSessionsAcrossReplicas(t *testing.T) {
	a, b, dsn := startReplicas(t)
	onA := newBrowser(t, a)
	onB := onA.through(b)
	mustContain(t, onA.signIn(a.AdminToken), `id="whoami"`)
	p := onB.get("/portal/")
	if p.status != http.StatusOK {
		t.Fatalf("the fleet on replica b after signing in on a: %d, want 200", p.status)
	}
	mustContain(t, p, `id="whoami"`, `id="counts"`)

	cookie := onA.sessionCookie()
	rows := sessionRows(t, dsn)
	if len(rows) != 1 {
		t.Fatalf("%d session rows, want 1", len(rows))
	}
	for _, secret := range []string{a.AdminToken, cookie.Value} {
		if strings.Contains(rows[0], secret) {
			t.Errorf("the sessions table holds a secret in plaintext: %q", secret)
		}
	}

	out := onB.post("/portal/signout", url.Values{"csrf": {csrf(t, p)}})
	mustContain(t, out, "You signed out.")
	stale := newBrowser(t, a) // the signed-out cookie, replayed on a
	stale.client.Jar.SetCookies(mustURL(t, a.URL), []*http.Cookie{cookie})
	if p := stale.get("/portal/"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, `id="signin-form"`) {
		t.Errorf("the session signed out on b, on a: %d, want 401 with the sign-in form", p.status)
	}

	id, token := createToken(t, a, "Reader")
	onA.signIn(token)
	if status, raw, err := b.ARM(http.MethodDelete, "/kubearc/v1/tokens/"+id, b.AdminToken, nil); err != nil || status >= 300 {
		t.Fatalf("revoking the token through b: %d %s %v", status, raw, err)
	}
	eventually(t, "the revoked token's session ended on a", func() string {
		p := onA.get("/portal/")
		if p.status == http.StatusUnauthorized && strings.Contains(p.body, "no longer accepts your token") {
			return ""
		}
		return p.body
	})

	first := newBrowser(t, a)
	first.signIn(a.AdminToken)
	for i := range 16 { // 17 sessions of one token, alternating replicas
		newBrowser(t, map[bool]*hubtest.Hub{true: a, false: b}[i%2 == 0]).signIn(a.AdminToken)
	}
	if p := first.through(b).get("/portal/"); p.status != http.StatusUnauthorized {
		t.Errorf("the oldest of 17 sessions of a token, on b: %d, want 401", p.status)
	}
	if n := len(sessionRows(t, dsn)); n != 16 {
		t.Errorf("%d session rows after 17 sign-ins of one token, want 16", n)
	}
}

// createToken creates a token with role over everything as the admin of h and returns its ID
// and secret.
func createToken(t *testing.T, h *hubtest.Hub, role string) (id, secret string) {
	t.Helper()
	status, raw, err := h.ARM(http.MethodPost, "/kubearc/v1/tokens", h.AdminToken,
		map[string]string{"name": "replicas-" + strings.ToLower(role), "role": role, "scope": "/"})
	if err != nil || status >= 300 {
		t.Fatalf("creating a %s token: %d %s %v", role, status, raw, err)
	}
	var out struct{ ID, Token string }
	if err := json.Unmarshal(raw, &out); err != nil || out.ID == "" || out.Token == "" {
		t.Fatalf("token answer %s: %v", raw, err)
	}
	return out.ID, out.Token
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// eventually retries check, which returns what is wrong or "", for up to 10 seconds.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if last = check(); last == "" {
			return
		}
	}
	t.Fatalf("%s: still not after 10s: %s", what, last)
}
