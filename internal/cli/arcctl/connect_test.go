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

package arcctl_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/action"
	release "helm.sh/helm/v4/pkg/release"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kubearc/kubearc/internal/cli/arcctl"
	"github.com/kubearc/kubearc/internal/cli/config"
	"github.com/kubearc/kubearc/internal/localcluster"
)

// testCluster is a real control plane (kube-apiserver and etcd, no nodes, no
// kube-controller-manager) with the project's CRDs, reached through a kubeconfig file.
type testCluster struct {
	kubeconfig string
	client     client.Client
}

func startCluster(t *testing.T) *testCluster {
	t.Helper()
	env, cfg, err := localcluster.Start()
	if err != nil {
		t.Fatalf("starting the control plane: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping the control plane: %v", err)
		}
	})
	admin, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := admin.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	return &testCluster{kubeconfig: path, client: c}
}

// helmRelease returns the agent's Helm release as the helm CLI would list it; nil when there
// is none.
func (c *testCluster) helmRelease(t *testing.T) release.Accessor {
	t.Helper()
	kubeconfig, namespace := c.kubeconfig, "kubearc-system"
	getter := genericclioptions.NewConfigFlags(false)
	getter.KubeConfig, getter.Namespace = &kubeconfig, &namespace
	cfg := action.NewConfiguration()
	if err := cfg.Init(getter, namespace, "secret"); err != nil {
		t.Fatal(err)
	}
	list := action.NewList(cfg)
	list.All = true
	rels, err := list.Run()
	if err != nil {
		t.Fatalf("listing Helm releases: %v", err)
	}
	for _, r := range rels {
		acc, err := release.NewAccessor(r)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Name() == "kubearc-agent" {
			return acc
		}
	}
	return nil
}

// buildAgent builds the agent binary, as 'make build' does.
func buildAgent(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kubearc-agent")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "github.com/kubearc/kubearc").CombinedOutput()
	if err != nil {
		t.Fatalf("building the agent: %v\n%s", err, out)
	}
	return bin
}

// runFor runs arcctl with a deadline of d.
func (u *user) runFor(d time.Duration, args ...string) result {
	u.t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(u.t.Context(), d)
	defer cancel()
	streams := arcctl.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr}
	code := arcctl.Execute(ctx, args, streams, func(k string) string { return u.env[k] })
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// killLocalAgent makes sure no agent outlives the test, whatever the test did.
func killLocalAgent(t *testing.T, u *user, name string) {
	t.Cleanup(func() {
		if pid := localAgentPid(u, name); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

func localAgentPid(u *user, name string) int {
	data, err := os.ReadFile(filepath.Join(filepath.Dir(u.configPath()), "agents", name, "agent.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

func TestConnectLocalAgentAndDisconnect(t *testing.T) {
	agent := buildAgent(t)
	cluster := startCluster(t)
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)
	killLocalAgent(t, u, "dev-1")

	r := u.runFor(2*time.Minute, "connectedk8s", "connect", "-n", "dev-1", "-g", testGroup, "--kubeconfig", cluster.kubeconfig,
		"--local-agent", "--agent-binary", agent, "--tags", "env=dev", "--distribution", "generic", "--timeout", "90s",
		"--additional-hub-url", "https://hub-1.example.com:8443", "--additional-hub-url", h.URL)
	t.Logf("connect --local-agent:\n%s", r)
	if r.code != 0 {
		t.Fatalf("connect --local-agent failed:\n%s", r)
	}
	for _, want := range []string{"Creating the agent key… done\n", "Creating the connected cluster on the hub… done\n",
		"Installing the agent (Helm release kubearc-agent)… done, revision 1\n", "Starting the agent on this machine… done (pid ",
		"Waiting for the agent to connect… connected\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not show %q\n%s", want, r)
		}
	}
	wantLines(t, r.stdout, `^Connected cluster 'dev-1' in resource group 'edge-eu' is Connected: Kubernetes v1\.37\.2, (nodes unknown|0 nodes), agent \S+\.$`)

	status, body := h.get(clusterPath(testGroup, "dev-1") + "?api-version=2024-01-01")
	props, _ := body["properties"].(map[string]any)
	if status != http.StatusOK || props["connectivityStatus"] != "Connected" || props["kubernetesVersion"] != "v1.37.2" {
		t.Errorf("the hub shows %d %v, want the cluster Connected with Kubernetes v1.37.2", status, body)
	}
	if tags, _ := body["tags"].(map[string]any); tags["env"] != "dev" {
		t.Errorf("tags on the hub = %v, want env=dev", body["tags"])
	}
	rel := cluster.helmRelease(t)
	if rel == nil || rel.Status() != "deployed" || rel.Version() != 1 {
		t.Fatalf("Helm release kubearc-agent = %v, want revision 1 deployed", rel)
	}
	if err := cluster.client.Get(t.Context(), client.ObjectKey{Namespace: "kubearc-system", Name: "kubearc-agent"}, &appsv1.Deployment{}); !apierrors.IsNotFound(err) {
		t.Errorf("with --local-agent the release must not install the Deployment; getting it: %v", err)
	}
	conn := &unstructured.Unstructured{}
	conn.SetGroupVersionKind(schema.GroupVersionKind{Group: "arc.kubearc.io", Version: "v1alpha1", Kind: "ArcConnection"})
	if err := cluster.client.Get(t.Context(), client.ObjectKey{Name: "default"}, conn); err != nil {
		t.Fatal(err)
	}
	if urls, _, _ := unstructured.NestedStringSlice(conn.Object, "spec", "hubURLs"); !slices.Equal(urls, []string{"https://hub-1.example.com:8443"}) {
		t.Errorf("the ArcConnection's spec.hubURLs = %q, want the --additional-hub-url other than the hub's own URL", urls)
	}
	pid := localAgentPid(u, "dev-1")
	if pid == 0 {
		t.Fatal("no pid file for the local agent")
	}

	wantFailure(t, u.run("connectedk8s", "disconnect", "-n", "dev-1", "-g", testGroup, "--kubeconfig", cluster.kubeconfig),
		"Error: confirmation needed but stdin is not a terminal; pass --yes")
	r = u.runFor(time.Minute, "connectedk8s", "disconnect", "-n", "dev-1", "-g", testGroup, "--kubeconfig", cluster.kubeconfig, "--yes")
	t.Logf("disconnect --yes:\n%s", r)
	if !strings.Contains(r.stderr, "Stopping the local agent… done (pid "+strconv.Itoa(pid)+")\n") {
		t.Errorf("disconnect does not say it stopped the local agent (pid %d)\n%s", pid, r)
	}
	if r.code != 0 || r.stdout != "Disconnected cluster 'dev-1' in resource group 'edge-eu'.\n" {
		t.Fatalf("disconnect --yes:\n%s", r)
	}
	wantDisconnected(t, h, cluster, "dev-1", pid)

	// Everything is gone already: disconnect again succeeds and says there was nothing to do.
	r = u.runFor(time.Minute, "connectedk8s", "disconnect", "-n", "dev-1", "-g", testGroup, "--kubeconfig", cluster.kubeconfig, "--yes")
	if r.code != 0 || strings.Count(r.stderr, "(nothing to do)") != 3 {
		t.Errorf("a second disconnect: want success with three steps with nothing to do (the namespace is still terminating without a namespace controller)\n%s", r)
	}
}

// wantDisconnected checks that nothing of the connection is left.
func wantDisconnected(t *testing.T, h *testHub, cluster *testCluster, name string, pid int) {
	t.Helper()
	if syscall.Kill(pid, 0) == nil {
		t.Errorf("the local agent (pid %d) still runs after disconnect", pid)
	}
	if rel := cluster.helmRelease(t); rel != nil {
		t.Errorf("the Helm release is still there: %s revision %d", rel.Status(), rel.Version())
	}
	// envtest runs no namespace controller, so a deleted namespace stays Terminating.
	ns := &corev1.Namespace{}
	err := cluster.client.Get(t.Context(), client.ObjectKey{Name: "kubearc-system"}, ns)
	if err == nil && ns.DeletionTimestamp == nil {
		t.Errorf("the namespace kubearc-system is not being deleted")
	} else if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	if status, _ := h.get(clusterPath(testGroup, name) + "?api-version=2024-01-01"); status != http.StatusNotFound {
		t.Errorf("GET the cluster on the hub after disconnect: %d, want 404", status)
	}
}

func TestConnectWithoutNodesTimesOutAndSaysWhy(t *testing.T) {
	cluster := startCluster(t)
	h := startHub(t)
	u := newUser(t)
	u.login(h, h.AdminToken)

	start := time.Now()
	r := u.runFor(time.Minute, "connectedk8s", "connect", "-n", "store-042", "-g", testGroup, "--kubeconfig", cluster.kubeconfig, "--timeout", "3s")
	t.Logf("connect --timeout 3s:\n%s", r)
	wantFailure(t, r, "Error: the agent has not reported that the cluster is connected after 3s: ",
		"the ArcConnection has no status yet: no agent has picked it up",
		"the Deployment kubearc-system/kubearc-agent has 0 of 1 replicas available")
	if !strings.Contains(r.stderr, "Waiting for the agent to connect… timed out\n") {
		t.Errorf("stderr does not show the wait timing out\n%s", r)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("connect --timeout 3s took %s", d)
	}
	d := &appsv1.Deployment{}
	if err := cluster.client.Get(t.Context(), client.ObjectKey{Namespace: "kubearc-system", Name: "kubearc-agent"}, d); err != nil {
		t.Fatalf("the release did not install the agent's Deployment: %v", err)
	}
	if status, body := h.get(clusterPath(testGroup, "store-042") + "?api-version=2024-01-01"); status != http.StatusOK {
		t.Errorf("the cluster is not on the hub: %d %v", status, body)
	}

	// Connecting again upgrades the release, keeping the key the hub knows.
	r = u.runFor(time.Minute, "connectedk8s", "connect", "-n", "store-042", "-g", testGroup, "--kubeconfig", cluster.kubeconfig, "--timeout", "1s")
	if !strings.Contains(r.stderr, "Installing the agent (Helm release kubearc-agent)… done, revision 2\n") {
		t.Errorf("a second connect should upgrade the release to revision 2\n%s", r)
	}
	if rel := cluster.helmRelease(t); rel == nil || rel.Version() != 2 {
		t.Errorf("Helm release after the second connect = %v, want revision 2", rel)
	}
}

func TestConnectErrors(t *testing.T) {
	h := startHub(t)
	loggedIn := newUser(t)
	loggedIn.login(h, h.AdminToken)
	closed := "127.0.0.1:1"
	deadKubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(deadKubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "https://`+closed+`"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: dead, context: {cluster: dead, user: u}}]
current-context: dead
`), 0o600); err != nil {
		t.Fatal(err)
	}
	hubDown := newUser(t)
	hubDown.login(h, h.AdminToken)
	cfg, err := config.Load(hubDown.configPath())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Hub = "https://" + closed
	if err := config.Save(hubDown.configPath(), cfg); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		u    *user
		args []string
		want []string
	}{
		{"not logged in", newUser(t), nil, []string{"Error: not logged in; run 'arcctl login"}},
		{"hub unreachable", hubDown, nil, []string{"Error: reaching the hub https://" + closed + ": GET https://" + closed + "/kubearc/v1/whoami", "connection refused"}},
		{"cluster unreachable", loggedIn, nil, []string{"Error: cannot reach the cluster at https://" + closed + " (kubeconfig " + deadKubeconfig + ")",
			"check that it is running and that --kubeconfig and --kube-context point at it"}},
		{"unknown context", loggedIn, []string{"--kube-context", "nope"}, []string{`Error: loading the kubeconfig (kubeconfig ` + deadKubeconfig + `, context nope)`, `"nope"`}},
		{"proxy options without a proxy", loggedIn, []string{"--proxy-skip-range", "10.0.0.0/8"}, []string{"Error: --proxy-skip-range and --proxy-cert need --proxy-https"}},
		{"http additional hub URL", loggedIn, []string{"--additional-hub-url", "http://hub-1.example.com"},
			[]string{`Error: --additional-hub-url: hub URL "http://hub-1.example.com" must be https://host[:port]; for example https://hub-1.example.com:8443`}},
		{"additional hub URL with a password", loggedIn, []string{"--additional-hub-url", "https://agent:s3cret@hub-1.example.com"},
			[]string{"Error: --additional-hub-url: a hub URL holds a user name or password (https://user:password@host): remove them"}},
		{"bad tags", loggedIn, []string{"--tags", "env"}, []string{`Error: --tags: "env" must be key=value`}},
		{"unsupported key type", loggedIn, []string{"--agent-key-type", "ed25519"}, []string{`Error: --agent-key-type: agent key type "ed25519" is not supported: use ecdsa or rsa`}},
		{"no agent binary", loggedIn, []string{"--local-agent", "--agent-binary", "/nonexistent/kubearc-agent"},
			[]string{"Error: --agent-binary: stat /nonexistent/kubearc-agent: no such file or directory"}},
		{"proxy CA not PEM", loggedIn, []string{"--proxy-https", "http://proxy:3128", "--proxy-cert", deadKubeconfig},
			[]string{"Error: --proxy-cert " + deadKubeconfig + " holds no PEM certificate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"connectedk8s", "connect", "-n", "c1", "-g", testGroup, "--kubeconfig", deadKubeconfig}, tc.args...)
			r := tc.u.runFor(time.Minute, args...)
			t.Logf("%s", r)
			wantFailure(t, r, tc.want...)
			if strings.Contains(r.stdout+r.stderr, "s3cret") {
				t.Error("arcctl repeats the password of a hub URL")
			}
		})
	}
	if status, _ := h.get(clusterPath(testGroup, "c1") + "?api-version=2024-01-01"); status != http.StatusNotFound {
		t.Errorf("a failed connect left the cluster on the hub (GET %d)", status)
	}
}
