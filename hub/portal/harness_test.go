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
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/kubearc/kubearc/hub/server"

	"golang.org/x/net/html"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

const sub = "00000000-0000-0000-0000-000000000001"

// startHub runs the real hub over HTTPS with a clock the test moves.
func startHub(t *testing.T) *hubtest.Hub {
	t.Helper()
	h, _ := startHubWithLog(t)
	return h
}

// startHubWithLog is startHub with the hub's log, at debug level, kept for the test to read.
func startHubWithLog(t *testing.T) (*hubtest.Hub, *syncbuf.Buffer) {
	t.Helper()
	log := &syncbuf.Buffer{}
	h, err := hubtest.Start(context.Background(), hubtest.Options{Clock: hubtest.NewClock(), Configure: func(c *server.Config) {
		c.Log = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	return h, log
}

func clusterID(group, name string) string {
	return "/subscriptions/" + sub + "/resourceGroups/" + group + "/providers/Microsoft.Kubernetes/connectedClusters/" + name
}

// connect creates a cluster, registers its agent with the real agent client and sends one
// heartbeat.
func connect(t *testing.T, h *hubtest.Hub, group, name string) *agentclient.Client {
	t.Helper()
	key, public := hubtest.AgentKey(t)
	if err := h.PutCluster(clusterID(group, name), public); err != nil {
		t.Fatal(err)
	}
	c, err := agentclient.New(agentclient.Options{HubURL: h.URL, ClusterID: clusterID(group, name), Key: key, HubCAPEM: h.CAPEM,
		Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx := context.Background()
	if _, err := c.Register(ctx); err != nil {
		t.Fatalf("registering %s: %v", name, err)
	}
	if _, err := c.Heartbeat(ctx, protocol.Heartbeat{KubernetesVersion: "v1.37.2", NodeCount: 3, CoreCount: 8,
		AgentVersion: "0.0.9", Distribution: "k3s"}); err != nil {
		t.Fatalf("heartbeat of %s: %v", name, err)
	}
	return c
}

// createCluster creates a cluster whose agent never connects.
func createCluster(t *testing.T, h *hubtest.Hub, group, name string) {
	t.Helper()
	_, public := hubtest.AgentKey(t)
	if err := h.PutCluster(clusterID(group, name), public); err != nil {
		t.Fatal(err)
	}
}

// newToken creates a token with role at scope as the admin and returns its secret.
func newToken(t *testing.T, h *hubtest.Hub, role, scope string) string {
	t.Helper()
	status, raw, err := h.ARM(http.MethodPost, "/kubearc/v1/tokens", h.AdminToken,
		map[string]string{"name": strings.ToLower(role) + "-test", "role": role, "scope": scope})
	if err != nil || status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("creating a %s token: %d %s %v", role, status, raw, err)
	}
	var out struct{ Token string }
	if err := json.Unmarshal(raw, &out); err != nil || out.Token == "" {
		t.Fatalf("token answer %s: %v", raw, err)
	}
	return out.Token
}

// browser is a user's browser: a cookie jar over the hub's HTTPS.
type browser struct {
	t      *testing.T
	h      *hubtest.Hub
	client *http.Client
	// seen collects every page body, for the checks that run over all of them.
	seen *[]string
}

func newBrowser(t *testing.T, h *hubtest.Hub) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := h.HTTPClient()
	c.Jar = jar
	return &browser{t: t, h: h, client: c, seen: &[]string{}}
}

type page struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	*b.seen = append(*b.seen, string(raw))
	return page{status: resp.StatusCode, body: string(raw), header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, b.h.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form as a same-origin browser page would.
func (b *browser) post(path string, form url.Values, header ...string) page {
	b.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, b.h.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) signIn(token string) page {
	b.t.Helper()
	p := b.post("/portal/signin", url.Values{"token": {token}, "next": {"/portal/"}})
	if p.status != http.StatusOK {
		b.t.Fatalf("signing in: %d %s", p.status, p.body)
	}
	return p
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the form token of a signed-in page.
func csrf(t *testing.T, p page) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the page has no form token: %s", p.body)
	}
	return m[1]
}

// checkHTML parses a page and fails when a visible input, select or textarea has no label
// (a <label for>, an aria-label or aria-labelledby).
func checkHTML(t *testing.T, body string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	labels, controls := map[string]bool{}, []*html.Node{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "label":
			labels[attr(n, "for")] = true
		case "input", "select", "textarea":
			if attr(n, "type") != "hidden" {
				controls = append(controls, n)
			}
		}
	}
	for _, c := range controls {
		if id := attr(c, "id"); (id == "" || !labels[id]) && attr(c, "aria-label") == "" && attr(c, "aria-labelledby") == "" {
			t.Errorf("<%s name=%q id=%q> has no label", c.Data, attr(c, "name"), attr(c, "id"))
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func mustContain(t *testing.T, p page, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("the page (%d) lacks %q:\n%s", p.status, w, p.body)
		}
	}
}

func mustNotContain(t *testing.T, p page, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(p.body, u) {
			t.Errorf("the page (%d) shows %q", p.status, u)
		}
	}
}

func clusterPage(group, name string) string {
	return fmt.Sprintf("/portal/clusters/%s/%s/%s", sub, group, name)
}
