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

package tunnel_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
)

// The tests share one API server (envtest), one hub and cluster A's agent; the restart
// tests restart the hub and the agent in place.
var (
	apiConfig *rest.Config
	admin     kubernetes.Interface
	hub       *hubtest.Hub
	clusterA  = armid.ClusterID{Subscription: "00000000-0000-0000-0000-000000000001", ResourceGroup: "rg-a", Name: "cluster-a"}
	clusterB  = armid.ClusterID{Subscription: "00000000-0000-0000-0000-000000000001", ResourceGroup: "rg-b", Name: "cluster-b"}
	agentA    *tunneltest.Agent
	// hubLog is what the hub logged.
	hubLog = &syncbuf.Buffer{}
)

// testNamespace is where the tests' users have RoleBindings.
const testNamespace = "tunnel-test"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env, cfg, err := tunneltest.StartAPIServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	apiConfig = cfg
	admin = kubernetes.NewForConfigOrDie(cfg)
	if hub, err = hubtest.Start(context.Background(), hubtest.Options{Configure: func(c *server.Config) {
		c.Log = slog.New(slog.NewTextHandler(hubLog, nil))
	}}); err != nil {
		fmt.Fprintln(os.Stderr, "starting the hub:", err)
		return 1
	}
	defer func() { _ = hub.Stop() }()
	if err := setupCluster(); err != nil {
		fmt.Fprintln(os.Stderr, "setting up:", err)
		return 1
	}
	if agentA, err = startAgent(clusterA); err != nil {
		fmt.Fprintln(os.Stderr, "starting the agent:", err)
		return 1
	}
	defer func() { agentA.Stop() }()
	return m.Run()
}

// setupCluster creates the test namespace and lets the hub token "alice" use its ConfigMaps.
func setupCluster() error {
	ctx := context.Background()
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNamespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "configmap-editor", Namespace: testNamespace},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"},
			Verbs: []string{"get", "list", "watch", "create", "update", "delete"}}},
	}
	if _, err := admin.RbacV1().Roles(testNamespace).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		return err
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "alice-configmaps", Namespace: testNamespace},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "kubearc:token:alice"}},
	}
	_, err := admin.RbacV1().RoleBindings(testNamespace).Create(ctx, binding, metav1.CreateOptions{})
	return err
}

// startAgent starts cluster id's agent with a tunnel to the test API server.
func startAgent(id armid.ClusterID) (*tunneltest.Agent, error) {
	forwarder, err := tunnel.NewForwarder(apiConfig, logr.Discard())
	if err != nil {
		return nil, err
	}
	return tunneltest.StartAgent(hub, id, forwarder)
}

// tunnelState is the state agent a wrote into its ArcConnection's status.
func tunnelState(t *testing.T, a *tunneltest.Agent) arcv1alpha1.TunnelState {
	t.Helper()
	state, err := a.TunnelState(context.Background())
	if err != nil {
		t.Fatalf("reading the ArcConnection: %v", err)
	}
	return state
}

// newToken creates a hub token and returns its secret.
func newToken(t *testing.T, name, role, scope string) string {
	t.Helper()
	token, err := tunneltest.NewToken(hub, name, role, scope)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// userClient is a clientset for cluster id through the hub's proxy endpoint, as token.
func userClient(t *testing.T, id armid.ClusterID, token string) kubernetes.Interface {
	t.Helper()
	return kubernetes.NewForConfigOrDie(tunneltest.UserConfig(hub, id, token))
}

// eventually polls check until it succeeds; the bound only keeps a broken test from
// hanging, it is no timing goal.
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
