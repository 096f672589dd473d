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
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubearc/kubearc/internal/cli/arcctl"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
)

// TestKubectlThroughConnectedk8sProxy runs 'arcctl connectedk8s proxy' and the real kubectl
// against the context it writes, with a real cluster (envtest), hub and agent tunnel.
func TestKubectlThroughConnectedk8sProxy(t *testing.T) {
	kubectlPath, err := tunneltest.EnvtestBinary("kubectl")
	if err != nil {
		t.Fatal(err)
	}
	env, cfg, err := tunneltest.StartAPIServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	h := startHub(t)
	id, _ := startTunnel(t, h, cfg, "proxied")
	grantConfigMaps(t, kubernetes.NewForConfigOrDie(cfg), "team-a", "kubearc:token:alice")
	token := readerToken(t, h, "alice")
	u := newUser(t)
	u.login(h, token)

	kubeconfig := userKubeconfig(t)
	stop := u.startProxy(t, "-n", id.Name, "-g", id.ResourceGroup, "--port", "0", "--file", kubeconfig)
	defer stop()
	waitForContext(t, kubeconfig, id)

	kubectl := func(args ...string) (string, error) {
		out, err := exec.CommandContext(t.Context(), kubectlPath, append([]string{"--kubeconfig", kubeconfig}, args...)...).CombinedOutput()
		return string(out), err
	}
	eventually(t, "kubectl create through the proxy", func() error {
		out, err := kubectl("create", "configmap", "from-kubectl", "-n", "team-a", "--from-literal=via=arcctl")
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	})
	out, err := kubectl("get", "configmaps", "-n", "team-a", "-o", "name")
	if err != nil || !strings.Contains(out, "configmap/from-kubectl") {
		t.Fatalf("kubectl get: %v: %s", err, out)
	}
	out, err = kubectl("get", "secrets", "-n", "kube-system")
	if err == nil || !strings.Contains(out, `User "kubearc:token:alice" cannot list resource "secrets"`) {
		t.Fatalf("the cluster must deny alice the secrets: %v: %s", err, out)
	}
	if said := stop(); !strings.Contains(said, `requests run as user "kubearc:token:alice"`) ||
		!strings.Contains(said, "kubectl create clusterrolebinding alice-view --clusterrole view --user kubearc:token:alice") {
		t.Fatalf("the proxy must say who the requests run as and how to bind a role:\n%s", said)
	}

	// With --token, the requests run as the token's service account, not as alice.
	saToken := serviceAccountToken(t, kubernetes.NewForConfigOrDie(cfg), "team-a", "reader")
	saKubeconfig := userKubeconfig(t)
	stopSA := u.startProxy(t, "-n", id.Name, "-g", id.ResourceGroup, "--port", "0", "--file", saKubeconfig, "--token", saToken)
	defer stopSA()
	waitForContext(t, saKubeconfig, id)
	saOut, err := exec.CommandContext(t.Context(), kubectlPath, "--kubeconfig", saKubeconfig, "get", "configmaps", "-n", "team-a").CombinedOutput()
	if err == nil || !strings.Contains(string(saOut), `User "system:serviceaccount:team-a:reader" cannot list resource "configmaps"`) {
		t.Fatalf("with --token the request must run as the service account: %v: %s", err, saOut)
	}
	if strings.Contains(string(mustReadFile(t, saKubeconfig)), saToken) {
		t.Fatal("the kubeconfig holds the --token")
	}

	var cred struct {
		Kind   string `json:"kind"`
		Status struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	if err := json.Unmarshal([]byte(u.mustRun("connectedk8s", "get-token")), &cred); err != nil || cred.Kind != "ExecCredential" || cred.Status.Token != token {
		t.Fatalf("get-token: %v %+v", err, cred)
	}
}

// startTunnel connects the cluster cfg reaches to h as cluster name of testGroup with a
// running agent tunnel, stopped when the test ends.
func startTunnel(t *testing.T, h *testHub, cfg *rest.Config, name string) (armid.ClusterID, *tunneltest.Agent) {
	t.Helper()
	id := armid.ClusterID{Subscription: testSub, ResourceGroup: testGroup, Name: name}
	forwarder, err := tunnel.NewForwarder(cfg, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	agent, err := tunneltest.StartAgent(h.Hub, id, forwarder)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Stop)
	return id, agent
}

// readerToken creates a hub token with Reader on the test subscription.
func readerToken(t *testing.T, h *testHub, name string) string {
	t.Helper()
	token, err := tunneltest.NewToken(h.Hub, name, "Reader", "/subscriptions/"+testSub)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// startProxy runs 'arcctl connectedk8s proxy args…' until the returned function is called;
// that function stops it (once) and returns what it wrote to stderr.
func (u *user) startProxy(t *testing.T, args ...string) func() string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		streams := arcctl.Streams{In: strings.NewReader(""), Out: io.Discard, Err: &stderr}
		done <- arcctl.Execute(ctx, append([]string{"connectedk8s", "proxy"}, args...), streams, func(k string) string { return u.env[k] })
	}()
	var once sync.Once
	return func() string {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("arcctl connectedk8s proxy exited %d: %s", code, stderr.String())
			}
		})
		return stderr.String()
	}
}

// waitForContext waits until the kubeconfig's current context is the cluster's, beside the
// user's own, with no token in it.
func waitForContext(t *testing.T, kubeconfig string, id armid.ClusterID) {
	t.Helper()
	eventually(t, "arcctl writes the kubeconfig context", func() error {
		kc, err := clientcmd.LoadFromFile(kubeconfig)
		switch {
		case err != nil:
			return err
		case kc.CurrentContext != id.Name:
			return fmt.Errorf("current context %q", kc.CurrentContext)
		case kc.Contexts["other"] == nil:
			return fmt.Errorf("the user's own context is gone")
		case kc.AuthInfos["clusterUser_"+id.ResourceGroup+"_"+id.Name].Token != "":
			return fmt.Errorf("the kubeconfig holds a token")
		}
		return nil
	})
}

// grantConfigMaps creates namespace ns and lets user use its ConfigMaps.
func grantConfigMaps(t *testing.T, cs kubernetes.Interface, ns, user string) {
	t.Helper()
	ctx := t.Context()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "configmaps", Namespace: ns},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch", "create"}}}}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "configmaps", Namespace: ns},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}}}
	if _, err := cs.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// eventually polls check until it succeeds; the bound only keeps a broken test from hanging.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = check(); err == nil {
			return
		}
	}
	t.Fatalf("%s: still failing: %v", what, err)
}

// serviceAccountToken creates a service account without any RoleBinding and returns a token.
func serviceAccountToken(t *testing.T, cs kubernetes.Interface, ns, name string) string {
	t.Helper()
	sas := cs.CoreV1().ServiceAccounts(ns)
	if _, err := sas.Create(t.Context(), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := sas.CreateToken(t.Context(), name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// userKubeconfig writes a kubeconfig with the user's own context "other", which must stay.
func userKubeconfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	existing := clientcmdapi.NewConfig()
	existing.Clusters["other"] = &clientcmdapi.Cluster{Server: "https://other.example:6443"}
	existing.Contexts["other"] = &clientcmdapi.Context{Cluster: "other"}
	existing.CurrentContext = "other"
	if err := clientcmd.WriteToFile(*existing, path); err != nil {
		t.Fatal(err)
	}
	return path
}
