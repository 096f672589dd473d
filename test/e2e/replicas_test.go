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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/test/gitserver"
)

// relayedLine is what the replica holding a tunnel logs (debug) for a request relayed to it.
const relayedLine = "Relaying a request from another replica"

// TestReplicasJourney runs three kubearc-hub replicas on PostgreSQL behind HAProxy, with two
// clusters whose agents and whose user (arcctl) know only the load balancer's URL: an
// extension and a Flux configuration reach the clusters; kubectl through `arcctl
// connectedk8s proxy` works whichever replica holds the tunnel; the replica holding a
// tunnel is killed with SIGKILL; PostgreSQL restarts. Nothing acknowledged is lost.
func TestReplicasJourney(t *testing.T) {
	f := startFleet(t)
	r := &replicasRun{fleet: f, direct: filepath.Join(f.a.dir, "direct.yaml")}
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"an extension and a Flux configuration created through the load balancer reach the clusters", r.createThroughLB},
		{"kubectl through arcctl's proxy reaches both clusters, relayed to the tunnel's replica", r.proxyEverywhere},
		{"the tunnel's replica killed: Connected and usable again within 60s, later writes arrive", r.killTunnelHolder},
		{"PostgreSQL restarts: writes wait or get 503, replicas ready again, nothing lost", r.restartPostgres},
		{"the protected setting shows in no replica's log nor arcctl output", r.noCanary},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) {
			return
		}
	}
}

// replicasRun is the state the steps share.
type replicasRun struct {
	*fleet
	// direct is an arcctl configuration logged in at one replica, not the load balancer.
	direct  string
	gitops  *gitopsRun
	commit  string
	outputs []string
}

// envs returns the two clusters' envs reporting on t.
func (r *replicasRun) envs(t *testing.T) (a, b *env) { return r.a.in(t), r.b.in(t) }

func (r *replicasRun) createThroughLB(t *testing.T) {
	a, b := r.envs(t)
	r.startGitOps(t, a)
	for _, e := range []*env{a, b} {
		r.outputs = append(r.outputs, e.arcctl("k8s-extension", "create", "-c", cluster, "-g", group, "-n", "demo",
			"--extension-type", demoType, "--version", "0.1.0", "--auto-upgrade-minor-version", "false",
			"--scope", "cluster", "--release-namespace", "demo", "--configuration-protected-settings", "auth.password="+canary))
	}
	r.gitops.create(a, r.commit)
	for _, e := range []*env{a, b} {
		e.expectDemoConfigMap(map[string]string{"chartVersion": "0.1.0", "password": canary})
	}
}

// startGitOps serves the Git repository, for the whole test, and runs Flux's controllers
// against cluster a.
func (r *replicasRun) startGitOps(t *testing.T, a *env) {
	git, err := gitserver.Start(r.a.t.TempDir(), gitserver.WithBasicAuth(gitopsUser, gitopsPasswordCanary))
	if err != nil {
		a.t.Fatal(err)
	}
	r.a.t.Cleanup(git.Close)
	if err := git.CreateRepo(a.t.Context(), "config"); err != nil {
		a.t.Fatal(err)
	}
	r.commit, err = git.Commit(a.t.Context(), "config", "one config map", map[string]string{"app/cm.yaml": configMapManifest(gitopsConfigMap, "one")})
	if err != nil {
		a.t.Fatal(err)
	}
	a.kubectlOK("", "apply", "--server-side", "-f", filepath.Join(a.root, "test", "crds", "flux"))
	a.kubectlOK("", "create", "namespace", "flux-system")
	a.startFlux(fluxBinaries(t, a.root))
	r.gitops = &gitopsRun{url: git.RepoURL("config")}
}

// proxyEverywhere runs `arcctl connectedk8s proxy` through the load balancer for both
// clusters, then through a replica that does not hold cluster a's tunnel: the holder logs
// the request relayed to it.
func (r *replicasRun) proxyEverywhere(t *testing.T) {
	a, b := r.envs(t)
	for _, e := range []*env{a, b} {
		e.kubectlOK("", "create", "clusterrole", "e2e-namespace-reader", "--verb", "get,list,watch", "--resource", "namespaces")
		e.kubectlOK("", "create", "clusterrolebinding", "e2e-proxy-namespaces", "--clusterrole", "e2e-namespace-reader", "--user", proxyUser)
		e.start("arcctl-proxy", "connectedk8s", "proxy", "-n", cluster, "-g", group, "--port", "0", "--file", e.proxyKubeconfig("lb"))
		e.waitFor("namespaces through the load balancer", time.Minute, func() error { return e.namespacesVia("lb") })
	}
	holder, err := r.holder(subscription)
	if err != nil {
		t.Fatal(err)
	}
	other := r.otherThan(holder)
	r.login(a, r.hubs[other], subscription, "--config", r.direct)
	a.start("arcctl-direct", "--config", r.direct, "connectedk8s", "proxy", "-n", cluster, "-g", group,
		"--port", "0", "--file", a.proxyKubeconfig("direct"))
	defer a.stop("arcctl-direct")
	a.waitFor("namespaces through replica "+other, time.Minute, func() error { return a.namespacesVia("direct") })
	if err := fileHasLine(filepath.Join(a.dir, holder+".log"), relayedLine, `"replica":"`+other+`"`, subscription); err != nil {
		t.Errorf("replica %s holds the tunnel, but did not log the request relayed from %s: %v", holder, other, err)
	}
}

func (e *env) proxyKubeconfig(name string) string {
	return filepath.Join(e.dir, "proxy-"+name+".kubeconfig")
}

// namespacesVia lists namespaces with kubectl through the proxy whose kubeconfig is name.
func (e *env) namespacesVia(name string) error {
	out, err := e.run(e.t.Context(), "", e.kubectl, "--kubeconfig", e.proxyKubeconfig(name), "--context", cluster,
		"get", "namespaces", "-o", "name", "--request-timeout", "10s")
	if err != nil {
		return fmt.Errorf("kubectl through the proxy: %w: %s", err, out)
	}
	if !strings.Contains(out, "namespace/kubearc-system") {
		return fmt.Errorf("kubectl through the proxy listed no namespace kubearc-system: %s", out)
	}
	return nil
}

// killTunnelHolder kills the replica holding cluster a's tunnel with SIGKILL; within 60 s
// the agent is connected through another replica, and an update reaches the cluster.
func (r *replicasRun) killTunnelHolder(t *testing.T) {
	a, _ := r.envs(t)
	holder, err := r.holder(subscription)
	if err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	r.kill(holder)
	within := killed.Add(60 * time.Second)
	a.waitFor("the tunnel on another replica, usable through the proxy", time.Until(within), func() error {
		now, err := r.holder(subscription)
		if err != nil {
			return err
		}
		if now == holder {
			return fmt.Errorf("the store still records the killed %s as the tunnel's holder", holder)
		}
		return a.namespacesVia("lb")
	})
	t.Logf("replica %s killed; cluster a's tunnel usable again %s later", holder, time.Since(killed).Round(time.Second))
	a.waitFor("a heartbeat through another replica", time.Until(within), func() error {
		if err := a.expectConnected("True"); err != nil {
			return err
		}
		return a.heartbeatAfter(killed)
	})
	t.Logf("cluster a Connected with a heartbeat through another replica %s after the kill", time.Since(killed).Round(time.Second))
	r.outputs = append(r.outputs, a.arcctl("k8s-extension", "update", "-c", cluster, "-g", group, "-n", "demo", "--version", "0.2.0"))
	a.expectDemoConfigMap(map[string]string{"chartVersion": "0.2.0", "password": canary})
}

// restartPostgres halts PostgreSQL: the replicas report not ready and answer writes 503 with
// Retry-After; an arcctl write made meanwhile succeeds once PostgreSQL is back, the
// replicas are ready again by themselves, and everything written before is still there.
func (r *replicasRun) restartPostgres(t *testing.T) {
	a, b := r.envs(t)
	replica := r.otherThan("")
	r.login(a, r.hubs[replica], subscription, "--config", r.direct)
	r.pg.Halt(t)
	resumed := false
	defer func() {
		if !resumed {
			r.pg.Resume(t)
		}
	}()
	for id := range r.hubs {
		a.waitFor("replica "+id+" not ready", 30*time.Second, func() error {
			code, err := r.readyz(id)
			if err == nil && code != http.StatusServiceUnavailable {
				err = fmt.Errorf("/readyz of %s answered %d, want 503 while PostgreSQL is down", id, code)
			}
			return err
		})
	}
	r.expectWriteUnavailable(t, replica)
	// arcctl retries a 503 after its Retry-After: this write waits for PostgreSQL.
	during := make(chan string, 1)
	go func() {
		out, err := a.run(t.Context(), "", filepath.Join(a.root, "bin", "arcctl"), "--config", r.direct, "--subscription",
			secondSubscription, "k8s-extension", "update", "-c", cluster, "-g", group, "-n", "demo", "--version", "0.2.0")
		if err != nil {
			out = fmt.Sprintf("failed: %v\n%s", err, out)
		}
		during <- out
	}()
	time.Sleep(2 * time.Second)
	r.pg.Resume(t)
	resumed = true
	if out := <-during; strings.HasPrefix(out, "failed:") {
		t.Fatalf("an extension update made while PostgreSQL was down did not succeed once it was back: %s", out)
	}
	for id := range r.hubs {
		a.waitFor("replica "+id+" ready again", time.Minute, func() error { return r.ready(id) })
	}
	r.expectNothingLost(a, b)
}

// expectWriteUnavailable PATCHes cluster a's tags on replica id and expects 503 with
// Retry-After in the ARM error envelope.
func (r *replicasRun) expectWriteUnavailable(t *testing.T, id string) {
	clusterID := armid.ClusterID{Subscription: subscription, ResourceGroup: group, Name: cluster}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPatch, r.hubs[id]+clusterID.String()+"?api-version=2024-01-01",
		strings.NewReader(`{"tags":{"written":"during-the-outage"}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.adminToken())
	req.Header.Set("Content-Type", "application/json")
	client, err := r.client()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("PATCH on replica %s while PostgreSQL is down: %v", id, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	var armErr struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		json.Unmarshal(body, &armErr) != nil || armErr.Error.Code == "" {
		t.Errorf("a write while PostgreSQL is down answered %s, Retry-After %q: %s; want 503 with Retry-After and an ARM error",
			resp.Status, resp.Header.Get("Retry-After"), body)
	}
}

// expectNothingLost checks what was written before and during the outage, on the hub and
// in the clusters.
func (r *replicasRun) expectNothingLost(a, b *env) {
	for _, e := range []*env{a, b} {
		e.expectDemoConfigMap(map[string]string{"chartVersion": "0.2.0", "password": canary})
		e.waitFor("the extension Succeeded at 0.2.0 on the hub", time.Minute, func() error { return r.extensionOnHub(e, "Succeeded", "0.2.0") })
		e.waitFor("the cluster Connected", time.Minute, func() error { return e.heartbeatAfter(time.Now().Add(-time.Minute)) })
		e.waitFor("namespaces through the proxy", time.Minute, func() error { return e.namespacesVia("lb") })
	}
	a.waitFor("the Flux configuration still Compliant", gitopsWait, func() error {
		return r.gitops.expectHubCompliance(a, "Compliant", r.commit, "")
	})
	if err := a.configMapValue(gitopsConfigMap, "one"); err != nil {
		a.t.Error(err)
	}
}

// extensionOnHub checks what `arcctl k8s-extension show -o json` says of extension demo.
func (r *replicasRun) extensionOnHub(e *env, state, version string) error {
	out, err := e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "k8s-extension", "show",
		"-c", cluster, "-g", group, "-n", "demo", "-o", "json")
	r.outputs = append(r.outputs, out)
	if err != nil {
		return fmt.Errorf("k8s-extension show: %w: %s", err, out)
	}
	var ext struct {
		Properties struct{ ProvisioningState, CurrentVersion string } `json:"properties"`
	}
	if err := json.Unmarshal([]byte(out), &ext); err != nil {
		return fmt.Errorf("k8s-extension show -o json: %w: %s", err, out)
	}
	if ext.Properties.ProvisioningState != state || ext.Properties.CurrentVersion != version {
		return fmt.Errorf("the hub shows %+v, want %s at %s", ext.Properties, state, version)
	}
	return nil
}

// noCanary scans what arcctl printed and every replica's log, debug lines included.
func (r *replicasRun) noCanary(t *testing.T) {
	for i, out := range append(r.outputs, r.gitops.outputs...) {
		if strings.Contains(out, canary) || strings.Contains(out, gitopsPasswordCanary) {
			t.Errorf("arcctl output %d shows a protected setting:\n%s", i, out)
		}
	}
	logs, _ := filepath.Glob(filepath.Join(r.a.dir, "hub-*.log"))
	if len(logs) != 3 {
		t.Fatalf("want the logs of 3 replicas, found %v", logs)
	}
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), canary) || strings.Contains(string(b), gitopsPasswordCanary) || strings.Contains(string(b), r.adminToken()) {
			t.Errorf("%s shows a protected setting or the admin token", l)
		}
	}
}
