//go:build e2e

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

package e2e

import (
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// screenshots, when set, is where the portal journey saves portal-signin.png,
// portal-fleet.png and portal-cluster.png (`make screenshots` sets it to docs/images).
var screenshots = flag.String("portal-screenshots", "", "directory for the portal's screenshots")

// offlineAfter is the hub's --offline-after in the portal journey: short, so that a stopped
// agent shows Offline within the test.
const offlineAfter = 30 * time.Second

// TestPortalJourney walks the portal in Debian's chromium as a platform team would: sign in,
// watch the cluster go Offline and come back on the open page, install an extension from the
// cluster page, then look as a Reader. The protected setting never reaches the browser.
func TestPortalJourney(t *testing.T) {
	e := newEnv(t)
	e.serveDemoCatalog()
	e.hubArgs = []string{"--offline-after", offlineAfter.String()}
	e.up()
	e.kubectlOK("", "patch", "arcconnection", "default", "--type", "merge", "-p", `{"spec":{"heartbeatInterval":"10s"}}`)
	p := e.newPortal(t)

	t.Run("the admin signs in with the hub's token", func(t *testing.T) {
		p := p.in(t)
		p.b.Open(e.hub + "/portal/")
		p.screenshot("portal-signin.png")
		p.b.SignIn(e.hub+"/portal/", p.adminToken)
		p.expectNoToken(p.adminToken)
	})
	t.Run("the fleet shows the cluster Connected with its version and nodes", func(t *testing.T) {
		p := p.in(t)
		p.b.Until("the cluster Connected, Kubernetes 1.37, 3 nodes", time.Minute, func() error {
			return p.expectFleetRow("Connected", seededNodes)
		})
		p.keep("fleet")
		p.screenshot("portal-fleet.png")
	})
	t.Run("a stopped agent shows Offline on the open page, and Connected again", func(t *testing.T) {
		p := p.in(t)
		p.markPage()
		e.in(t).stopLocalAgent()
		p.b.Until("Offline without a reload", offlineAfter+time.Minute, func() error {
			return p.expectFleetRow("Offline", seededNodes)
		})
		p.expectSamePage()
		e.in(t).startAgentReplica()
		p.b.Until("Connected again without a reload", 2*time.Minute, func() error {
			return p.expectFleetRow("Connected", seededNodes)
		})
		p.expectSamePage()
		p.keep("fleet, live")
	})
	t.Run("an extension created on the cluster page shows Succeeded", func(t *testing.T) {
		p := p.in(t)
		p.createExtension("demo", "0.1.0", "greeting=hello", "auth.password="+canary)
		e.in(t).expectDemoConfigMap(map[string]string{"chartVersion": "0.1.0", "greeting": "hello", "password": canary})
		p.b.Until("the extension Succeeded on the cluster page", 3*time.Minute, func() error {
			return p.expectRow("demo", "Succeeded")
		})
		p.keep("cluster page")
		p.screenshot("portal-cluster.png")
	})
	t.Run("a Reader sees no write controls and a forged write is refused", func(t *testing.T) {
		p := p.in(t)
		reader := p.asReader(e.createToken("portal-reader", "Reader"))
		reader.expectReadOnly(e.hub + "/portal/")
		reader.expectReadOnly(e.hub + p.clusterPath())
		reader.forgeExtension("forged")
		reader.keepReceived()
		if out, err := e.run(t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "k8s-extension", "show", "-c", cluster, "-g", group, "-n", "forged"); err == nil {
			t.Errorf("the Reader's forged write created an extension:\n%s", out)
		}
	})
	t.Run("the protected setting never reached the browser", func(t *testing.T) {
		p := p.in(t)
		p.keepReceived()
		p.expectNoCanary()
		e.in(t).expectNoCanary(nil)
	})
}

// expectFleetRow checks the cluster's row of the fleet: its connectivity, a Kubernetes
// 1.37 version and its node count in the "Nodes" column.
func (p *portal) expectFleetRow(connectivity string, nodes int) error {
	row := p.b.Row(p.clusterName())
	if err := p.expectRow(p.clusterName(), connectivity); err != nil {
		return err
	}
	if !slices.ContainsFunc(row, func(c string) bool { return strings.HasPrefix(strings.TrimPrefix(c, "v"), "1.37") }) {
		return fmt.Errorf("the row %q shows no Kubernetes 1.37 version", row)
	}
	headers := p.b.Headers(p.clusterName())
	i := slices.IndexFunc(headers, func(h string) bool { return strings.EqualFold(h, "Nodes") })
	if i < 0 || i >= len(row) || row[i] != strconv.Itoa(nodes) {
		return fmt.Errorf("want %d under Nodes; headers %q, row %q", nodes, headers, row)
	}
	return nil
}

// expectReadOnly opens url as the Reader and checks that its only write is signing out.
func (p *portal) expectReadOnly(url string) {
	p.t.Helper()
	p.b.ExpectStatus("the Reader's "+url, p.b.Open(url), http.StatusOK)
	p.b.WaitText(p.clusterName())
	for _, f := range p.b.Forms() {
		if strings.HasPrefix(f, "POST ") && f != "POST /portal/signout" {
			p.t.Errorf("the Reader is offered a write on %s: form %s (buttons %q)", url, f, p.b.Buttons())
		}
	}
	p.keep("Reader " + url)
}
