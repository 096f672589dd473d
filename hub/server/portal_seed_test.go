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

package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// seedClusters creates n connected clusters, bench-00000 … in resource groups rg-0 … rg-9 of
// subscription sub: the first through the ARM API, the others as copies of its stored
// document written to the store directly (the ARM PUT of 10,000 clusters would take minutes),
// each with a heartbeat. It returns the hub restarted on that data, as a hub that ran for a
// while has it (runtimes warmed from the store).
func seedClusters(tb testing.TB, h *hubtest.Hub, sub string, n int) *hubtest.Hub {
	tb.Helper()
	ctx := context.Background()
	_, key := hubtest.AgentKey(tb)
	first := benchClusterID(sub, 0)
	if err := h.PutCluster(first, key); err != nil {
		tb.Fatal(err)
	}
	model, err := h.Store().GetResource(ctx, first)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now().UTC()
	runtimes := make([]store.Runtime, 0, n)
	for i := range n {
		id := benchClusterID(sub, i)
		if i > 0 {
			putCopy(tb, h.Store(), model, id, benchName(0), benchName(i), i)
		}
		runtimes = append(runtimes, store.Runtime{ClusterID: id, LastHeartbeat: now, Heartbeat: protocol.Heartbeat{
			KubernetesVersion: fmt.Sprintf("v1.3%d.2", 5+i%3), NodeCount: int32(1 + i%7), CoreCount: int32(4 * (1 + i%7)),
			AgentVersion: "0.1.0", Distribution: "k3s", Infrastructure: "bare_metal"}})
	}
	if err := h.Store().PutRuntimes(ctx, runtimes); err != nil {
		tb.Fatal(err)
	}
	next, err := h.Restart(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return next
}

// putCopy stores model under id, with its name and resource group replaced.
func putCopy(tb testing.TB, st store.Store, model *store.Resource, id, oldName, name string, i int) {
	tb.Helper()
	group := fmt.Sprintf("rg-%d", i%10)
	body := bytes.ReplaceAll(model.Body, []byte(oldName), []byte(name))
	body = bytes.ReplaceAll(body, []byte("/resourceGroups/rg-0/"), []byte("/resourceGroups/"+group+"/"))
	r := &store.Resource{ID: id, Type: model.Type, Subscription: model.Subscription, ResourceGroup: group, Body: body}
	if _, err := st.PutResource(context.Background(), r, store.Precondition{}); err != nil {
		tb.Fatalf("seeding %s: %v", id, err)
	}
}

func benchName(i int) string { return fmt.Sprintf("bench-%05d", i) }

func benchClusterID(sub string, i int) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/rg-%d/providers/Microsoft.Kubernetes/connectedClusters/%s",
		sub, i%10, benchName(i))
}

// portalClient signs in to the portal with token as a browser would (the sign-in form of
// GET /portal/signin, posted with its hidden fields and the session cookie) and returns a client
// holding the session.
func portalClient(tb testing.TB, h *hubtest.Hub, token string) *http.Client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	client := h.HTTPClient()
	client.Jar = jar
	page, body := portalGet(tb, client, h.URL+"/portal/signin")
	action, fields, err := signInForm(body, token)
	if err != nil {
		tb.Fatalf("the sign-in page %s: %v\n%s", page, err, body)
	}
	target, err := page.Parse(action)
	if err != nil {
		tb.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, target.String(), strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.URL)
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		tb.Fatalf("signing in: %d\n%s", resp.StatusCode, raw)
	}
	return client
}

// portalGet gets url and fails unless it answers 200; it returns the final URL and the body.
func portalGet(tb testing.TB, client *http.Client, url string) (*url.URL, string) {
	tb.Helper()
	resp, err := client.Get(url) //nolint:noctx // a benchmark's plain request
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %v\n%s", url, resp.StatusCode, err, raw)
	}
	return resp.Request.URL, string(raw)
}

// signInForm finds the page's POST form with a password field and returns its action and
// its fields, the password field set to token.
func signInForm(page, token string) (string, url.Values, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", nil, err
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "form" || !strings.EqualFold(attr(n, "method"), "post") {
			continue
		}
		fields, hasToken := url.Values{}, false
		for c := range n.Descendants() {
			if c.Type != html.ElementNode || c.Data != "input" || attr(c, "name") == "" {
				continue
			}
			if attr(c, "type") == "password" {
				fields.Set(attr(c, "name"), token)
				hasToken = true
			} else {
				fields.Set(attr(c, "name"), attr(c, "value"))
			}
		}
		if hasToken {
			return attr(n, "action"), fields, nil
		}
	}
	return "", nil, fmt.Errorf("no POST form with a password field")
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
