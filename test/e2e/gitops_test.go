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
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/test/gitserver"
)

const (
	gitopsAgentNamespace = "kubearc-system"
	gitopsWait           = 3 * time.Minute
	gitopsUser           = "flux"
	gitopsPasswordCanary = "gitops-canary-3f9d1c"
	// gitopsConfig is the configuration created through arcctl; its repository path ./app
	// holds the ConfigMap gitopsConfigMap.
	gitopsConfig    = "gitops"
	gitopsConfigMap = "e2e-gitops"
	// localConfig is applied with kubectl; its path ./local holds the ConfigMap localConfigMap.
	localConfig    = "local"
	localConfigMap = "e2e-local"
)

// TestGitOpsWithFlux runs the hub, the agent (connected with arcctl), the real Flux
// source-controller and kustomize-controller (built by hack/flux.sh) as processes against
// the local cluster, with a private Git repository served by test/gitserver. A user drives it
// with arcctl as with az k8s-configuration flux; a second configuration is applied with
// kubectl and shows on the hub as cluster-owned.
func TestGitOpsWithFlux(t *testing.T) {
	e := newEnv(t)
	flux := fluxBinaries(t, e.root)
	// The repository is private: Flux reads it with httpsUser and the httpsKey protected
	// setting, a canary that must show nowhere but in Secrets.
	git, err := gitserver.Start(t.TempDir(), gitserver.WithBasicAuth(gitopsUser, gitopsPasswordCanary))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(git.Close)
	if err := git.CreateRepo(t.Context(), "config"); err != nil {
		t.Fatal(err)
	}
	first, err := git.Commit(t.Context(), "config", "two config maps", map[string]string{
		"app/cm.yaml": configMapManifest(gitopsConfigMap, "one"), "local/cm.yaml": configMapManifest(localConfigMap, "local")})
	if err != nil {
		t.Fatal(err)
	}
	e.serveFluxCatalog()
	e.up()
	e.kubectlOK("", "apply", "--server-side", "-f", filepath.Join(e.root, "test", "crds", "flux"))
	e.kubectlOK("", "create", "namespace", "flux-system")
	e.startFlux(flux)

	g := &gitopsRun{url: git.RepoURL("config")}
	// Each step builds on the previous one: stop at the first failure.
	steps := []struct {
		name string
		run  func(e *env)
	}{
		{"create through arcctl applies the repository and the hub shows Compliant", func(e *env) { g.create(e, first) }},
		{"the first configuration made the hub add the Flux extension", g.expectFluxExtension},
		{"a configuration applied with kubectl is listed on the hub as cluster-owned", g.clusterOwned},
		{"a bad commit makes it Non-Compliant with Flux's message on the hub", func(e *env) {
			bad, err := git.Commit(e.t.Context(), "config", "broken", map[string]string{"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n"})
			if err != nil {
				e.t.Fatal(err)
			}
			e.waitFor("Non-Compliant at the bad commit with Flux's message", gitopsWait, func() error {
				return g.expectHubCompliance(e, "Non-Compliant", bad, "failed to decode Kubernetes YAML")
			})
		}},
		{"fixing the repository makes it Compliant again", func(e *env) {
			fixed, err := git.Commit(e.t.Context(), "config", "fixed", map[string]string{"app/cm.yaml": configMapManifest(gitopsConfigMap, "two")})
			if err != nil {
				e.t.Fatal(err)
			}
			e.waitFor("the updated ConfigMap", gitopsWait, func() error { return e.configMapValue(gitopsConfigMap, "two") })
			e.waitFor("Compliant at the fix", gitopsWait, func() error { return g.expectHubCompliance(e, "Compliant", fixed, "") })
		}},
		{"the protected setting shows nowhere but in Secrets", func(e *env) { e.scanForCanary(g.outputs) }},
		{"delete through arcctl removes the Flux objects and prunes the workload", g.delete},
		{"deleting the local configuration with kubectl prunes its workload", g.deleteLocal},
	}
	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(e.in(t)) }) {
			return
		}
	}
}

// fluxBinaries returns the directory with source-controller and kustomize-controller.
func fluxBinaries(t *testing.T, root string) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(root, "bin", "flux", "*"))
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "kustomize-controller")); err == nil {
			return dirs[i]
		}
	}
	t.Fatal("no Flux controllers under bin/flux: run hack/flux.sh, which builds them from the Go module proxy")
	return ""
}

// startFlux starts source-controller (serving artifacts on a local port) and
// kustomize-controller, watching all namespaces.
func (e *env) startFlux(dir string) {
	artifacts := filepath.Join(e.dir, "flux-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		e.t.Fatal(err)
	}
	storage, sourceHealth, kustomizeHealth := freeAddr(e.t), freeAddr(e.t), freeAddr(e.t)
	e.startProcess("source-controller", filepath.Join(dir, "source-controller"),
		"--watch-all-namespaces", "--enable-leader-election=false",
		"--storage-path", artifacts, "--storage-addr", storage, "--storage-adv-addr", storage,
		"--metrics-addr", freeAddr(e.t), "--health-addr", sourceHealth)
	e.startProcess("kustomize-controller", filepath.Join(dir, "kustomize-controller"),
		"--watch-all-namespaces", "--enable-leader-election=false",
		"--metrics-addr", freeAddr(e.t), "--health-addr", kustomizeHealth)
	for name, addr := range map[string]string{"source-controller": sourceHealth, "kustomize-controller": kustomizeHealth} {
		e.waitFor(name+" to be healthy", time.Minute, func() error { return healthy(addr) })
	}
}

// healthy checks a Flux controller's /healthz.
func healthy(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %s", resp.Status)
	}
	return nil
}

// startProcess runs binary against the local cluster (KUBECONFIG), logging to <dir>/<name>.log.
func (e *env) startProcess(name, binary string, args ...string) {
	e.t.Helper()
	log, err := os.Create(filepath.Join(e.dir, name+".log"))
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.Command(binary, args...) //nolint:noctx // stopped by stopAll
	cmd.Dir, cmd.Stdout, cmd.Stderr = e.dir, log, log
	cmd.Env = append(e.environ(), "KUBECONFIG="+e.kube, "RUNTIME_NAMESPACE=flux-system")
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("starting %s: %v", name, err)
	}
	e.procs[name] = cmd
}

// configMapValue checks data.value of a ConfigMap in namespace default.
func (e *env) configMapValue(name, want string) error {
	out, err := e.kubectlRun("", "get", "configmap", "-n", "default", name, "-o", "jsonpath={.data.value}")
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	if out != want {
		return fmt.Errorf("ConfigMap %s has data.value %q, want %q", name, out, want)
	}
	return nil
}

// configMapGone checks that a ConfigMap in namespace default is gone.
func (e *env) configMapGone(name string) error {
	out, err := e.kubectlRun("", "get", "configmap", "-n", "default", name, "--ignore-not-found", "-o", "name")
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	if strings.TrimSpace(out) != "" {
		return fmt.Errorf("%s is still there", strings.TrimSpace(out))
	}
	return nil
}

func configMapManifest(name, value string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: default\ndata:\n  value: \"" + value + "\"\n"
}

// localGitOpsManifest is a GitOpsConfiguration applied with kubectl, not through the hub.
func localGitOpsManifest(url string) string {
	return `apiVersion: arc.kubearc.io/v1alpha1
kind: GitOpsConfiguration
metadata:
  name: ` + localConfig + `
  namespace: ` + gitopsAgentNamespace + `
spec:
  namespace: flux-system
  gitRepository:
    url: ` + url + `
    httpsUser: ` + gitopsUser + `
    syncInterval: 2s
    repositoryRef:
      branch: main
  kustomizations:
  - name: app
    path: ./local
    prune: true
    syncInterval: 2s
    retryInterval: 2s
  secretRef:
    name: local-protected
`
}

// scanForCanary looks for the protected setting in what users and operators see: what
// arcctl printed, the agent's log shipped to the hub, the configurations and the Flux objects
// as kubectl shows them (status included), events, and the logs of the hub, the agent and Flux.
func (e *env) scanForCanary(outputs []string) {
	e.t.Helper()
	// The scan means something only if the setting reached the cluster: Flux's auth Secret.
	secrets, err := e.kubectlRun("", "get", "secrets", "-n", "flux-system", "-o", "yaml")
	if err != nil || !strings.Contains(secrets, base64.StdEncoding.EncodeToString([]byte(gitopsPasswordCanary))) {
		e.t.Errorf("no Secret in flux-system holds the protected setting (%v): the scan below proves nothing", err)
	}
	for i, out := range outputs {
		if strings.Contains(out, gitopsPasswordCanary) {
			e.t.Errorf("arcctl output %d shows the protected setting:\n%s", i, out)
		}
	}
	if strings.Contains(e.shippedLogs(), gitopsPasswordCanary) {
		e.t.Errorf("the agent's log on the hub (arcctl connectedk8s logs) shows the protected setting")
	}
	for _, args := range [][]string{
		{"get", "gitopsconfigurations", "-A", "-o", "yaml"},
		{"get", "gitrepositories.source.toolkit.fluxcd.io,kustomizations.kustomize.toolkit.fluxcd.io", "-A", "-o", "yaml"},
		{"get", "events", "-A", "-o", "yaml"},
	} {
		out, err := e.kubectlRun("", args...)
		if err != nil {
			e.t.Fatalf("kubectl %s: %v: %s", strings.Join(args, " "), err, out)
		}
		if strings.Contains(out, gitopsPasswordCanary) {
			e.t.Errorf("kubectl %s shows the protected setting", strings.Join(args, " "))
		}
	}
	logs := []string{filepath.Join(e.dir, "hub.log"), filepath.Join(e.dir, "agents", cluster, "agent.log"),
		filepath.Join(e.dir, "source-controller.log"), filepath.Join(e.dir, "kustomize-controller.log")}
	for _, l := range logs {
		log, err := os.ReadFile(l)
		if err != nil {
			e.t.Fatal(err)
		}
		if strings.Contains(string(log), gitopsPasswordCanary) {
			e.t.Errorf("%s shows the protected setting", l)
		}
	}
}
