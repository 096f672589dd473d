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
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
	"github.com/kubearc/kubearc/internal/pgtest"
	"github.com/kubearc/kubearc/pkg/armid"
)

// secondSubscription holds the second cluster: both clusters are named cluster in group,
// so that the e2e's helpers serve both, each env logged in to its own subscription.
const secondSubscription = "00000000-0000-0000-0000-0000000000e3"

// fleet is three kubearc-hub replicas on one PostgreSQL behind HAProxy, and two clusters
// whose agents know only the load balancer's URL. The hubs and HAProxy are a's processes.
type fleet struct {
	pg  *pgtest.Server
	dsn string
	// a and b are the two clusters, in subscription and secondSubscription.
	a, b *env
	// hubs maps each live replica's ID (its process name) to its URL.
	hubs map[string]string
	lb   string
}

// startFleet brings up PostgreSQL, the replicas, HAProxy and both clusters, connected with
// arcctl through the load balancer.
func startFleet(t *testing.T) *fleet {
	t.Helper()
	// The database first: dropped only after the processes stopped.
	f := &fleet{pg: pgtest.Start(t), hubs: map[string]string{}}
	f.dsn = f.pg.Database(t, "kubearc")
	f.a, f.b = newEnv(t), newEnv(t)
	f.a.kube, f.b.kube = filepath.Join(f.a.dir, "kubeconfig"), filepath.Join(f.b.dir, "kubeconfig")
	for _, e := range []*env{f.a, f.b} {
		e.start("localcluster", "--write-kubeconfig", e.kube, "--nodes", "1")
	}
	f.serveCatalog()
	for i := range 3 {
		f.startReplica(fmt.Sprintf("hub-%d", i))
	}
	f.lb = f.startHAProxy()
	for e, sub := range map[*env]string{f.a: subscription, f.b: secondSubscription} {
		e.hub = f.lb
		e.waitFor("the local cluster's kubeconfig", 2*time.Minute, func() error { return fileReady(e.kube) })
		f.login(e, f.lb, sub)
		f.connect(e)
	}
	return f
}

// connect connects e's cluster through the load balancer. arcctl prints the hub's view
// right after the agent's first heartbeat, which the other replicas learn only from the
// store, written behind (--heartbeat-flush-interval): it may say Connecting there.
func (f *fleet) connect(e *env) {
	e.t.Helper()
	connected := time.Now()
	out := e.arcctl("connectedk8s", "connect", "--name", cluster, "--resource-group", group,
		"--kubeconfig", e.kube, "--local-agent", "--timeout", "2m")
	if !strings.Contains(out, "Waiting for the agent to connect… connected") {
		e.t.Fatalf("connect did not report the agent connected:\n%s", out)
	}
	e.waitFor("the cluster Connected on the hub", 15*time.Second, func() error { return e.heartbeatAfter(connected) })
	// Heartbeats every 10 s, not 30: a heartbeat through another replica soon after a kill.
	e.kubectlOK("", "patch", "arcconnection", "default", "--type", "merge", "-p", `{"spec":{"heartbeatInterval":"10s"}}`)
}

// serveCatalog writes the hubs' catalog: the demo extension and the Flux stand-in.
func (f *fleet) serveCatalog() {
	url := f.a.serveCharts(helmtest.ConfigMapChart("demo", "0.1.0", false), helmtest.ConfigMapChart("demo", "0.2.0", false),
		helmtest.ConfigMapChart("flux", "2.16.2", false))
	f.a.writeCatalog(fmt.Sprintf(`  - name: %s
    defaultScope: cluster
    defaultReleaseNamespace: demo
    chart: {repository: %q, name: demo}
    releaseTrains:
      - name: Stable
        versions: ["0.1.0", "0.2.0"]
  - name: %s
    aliases: [flux]
    defaultScope: cluster
    defaultReleaseNamespace: flux-system
    chart: {repository: %q, name: flux}
    releaseTrains:
      - name: Stable
        versions: ["2.16.2"]
`, demoType, url, fluxType, url))
}

// startReplica starts replica id on the shared store; every replica after the first gets
// the first one's CA, data key and admin token, as docs/replicas.md says.
func (f *fleet) startReplica(id string) {
	e := f.a
	e.t.Helper()
	dataDir := f.dataDir(id)
	if id != "hub-0" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			e.t.Fatal(err)
		}
		for _, name := range []string{"ca.crt", "ca.key", "data.key", "admin.token"} {
			copyInto(e.t, filepath.Join(f.dataDir("hub-0"), name), filepath.Join(dataDir, name))
		}
	}
	addr := freeAddr(e.t)
	// Debug: the holder logs each request relayed from another replica.
	e.start(id, "serve", "--listen", addr, "--data-dir", dataDir, "--store", f.dsn, "--replica-id", id,
		"--leader-lease-ttl", "3s", "--heartbeat-flush-interval", "2s", "--catalog", e.catalog, "--log-level", "debug")
	f.hubs[id] = "https://" + addr
	e.waitFor("replica "+id+" ready", time.Minute, func() error { return f.ready(id) })
}

func (f *fleet) dataDir(id string) string { return filepath.Join(f.a.dir, id+"-data") }

// adminToken is the admin token the replicas share.
func (f *fleet) adminToken() string {
	token, err := os.ReadFile(filepath.Join(f.dataDir("hub-0"), "admin.token"))
	if err != nil {
		f.a.t.Fatal(err)
	}
	return strings.TrimSpace(string(token))
}

// login logs arcctl of e in at url with subscription sub; extra are global flags (--config).
func (f *fleet) login(e *env, url, sub string, extra ...string) {
	e.t.Helper()
	args := append(slices.Clone(extra), "login", "--hub", url, "--ca-file", filepath.Join(f.dataDir("hub-0"), "ca.crt"),
		"--token", "-", "--subscription", sub)
	e.waitFor("arcctl login at "+url, time.Minute, func() error {
		out, err := e.run(e.t.Context(), f.adminToken(), filepath.Join(e.root, "bin", "arcctl"), args...)
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	})
}

// client is an HTTPS client trusting the hubs' CA, one connection per request; an error
// until the first replica wrote its CA.
func (f *fleet) client() (*http.Client, error) {
	ca, err := os.ReadFile(filepath.Join(f.dataDir("hub-0"), "ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, DisableKeepAlives: true}}, nil
}

// readyz returns the status code of replica id's /readyz.
func (f *fleet) readyz(id string) (int, error) {
	req, err := http.NewRequestWithContext(f.a.t.Context(), http.MethodGet, f.hubs[id]+"/readyz", nil)
	if err != nil {
		return 0, err
	}
	client, err := f.client()
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// ready checks that replica id answers /readyz 200.
func (f *fleet) ready(id string) error {
	code, err := f.readyz(id)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("/readyz of %s answered %d", id, code)
	}
	return err
}

// startHAProxy runs HAProxy (hack/haproxy.sh) in TCP mode in front of the replicas,
// health-checking /readyz, and returns its URL.
func (f *fleet) startHAProxy() string {
	e := f.a
	e.t.Helper()
	out, err := exec.CommandContext(e.t.Context(), filepath.Join(e.root, "hack", "haproxy.sh")).Output()
	if err != nil {
		e.t.Fatalf("the e2e of several replicas needs HAProxy: hack/haproxy.sh (run `make haproxy` as root): %v", err)
	}
	addr := freeAddr(e.t)
	var servers strings.Builder
	for _, id := range slices.Sorted(maps.Keys(f.hubs)) {
		fmt.Fprintf(&servers, "  server %s %s check check-ssl verify none inter 300ms fall 1 rise 1\n", id, strings.TrimPrefix(f.hubs[id], "https://"))
	}
	config := "global\n  maxconn 1000\ndefaults\n  mode tcp\n  timeout connect 2s\n  timeout client 1h\n  timeout server 1h\n" +
		"  retries 3\n  option redispatch\nfrontend hub\n  bind " + addr + "\n  default_backend replicas\nbackend replicas\n" +
		"  balance roundrobin\n  option httpchk\n  http-check send meth GET uri /readyz\n" + servers.String()
	e.startProcess("haproxy", strings.TrimSpace(string(out)), "-db", "-f", e.writeFile("haproxy.cfg", config))
	e.waitFor("HAProxy listening", 30*time.Second, func() error {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(e.t.Context(), "tcp", addr)
		if err != nil {
			return fmt.Errorf("%w (see haproxy.log)", err)
		}
		return c.Close()
	})
	return "https://" + addr
}

// holder returns the replica that the store records as holding the tunnel of the cluster
// in subscription sub.
func (f *fleet) holder(sub string) (string, error) {
	ctx, cancel := context.WithTimeout(f.a.t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, f.dsn)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close(context.Background()) }()
	id := armid.ClusterID{Subscription: sub, ResourceGroup: group, Name: cluster}
	var replica string
	err = conn.QueryRow(ctx, "SELECT replica FROM tunnel_holders WHERE cluster_key = $1", id.Key()).Scan(&replica)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("no replica holds the tunnel of %s", id)
	}
	return replica, err
}

// otherThan returns a live replica other than id.
func (f *fleet) otherThan(id string) string {
	for _, other := range slices.Sorted(maps.Keys(f.hubs)) {
		if other != id {
			return other
		}
	}
	f.a.t.Fatalf("no live replica other than %s", id)
	return ""
}

// kill ends replica id with SIGKILL: it cannot release its lease nor its tunnels' records.
func (f *fleet) kill(id string) {
	cmd := f.a.procs[id]
	if err := cmd.Process.Kill(); err != nil {
		f.a.t.Fatalf("kill -9 %s: %v", id, err)
	}
	_ = cmd.Wait()
	delete(f.a.procs, id)
	delete(f.hubs, id)
}

func copyInto(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
