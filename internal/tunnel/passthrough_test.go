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
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestAServiceAccountTokenIsPassedThrough: with a cluster token (arcctl connectedk8s proxy
// --token), the request runs as that service account, not as the hub user.
func TestAServiceAccountTokenIsPassedThrough(t *testing.T) {
	waitConnected(t)
	ctx := context.Background()
	sa, err := admin.CoreV1().ServiceAccounts(testNamespace).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "reader"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "sa-reader", Namespace: testNamespace},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "configmap-editor"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: testNamespace}}}
	if _, err := admin.RbacV1().RoleBindings(testNamespace).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := admin.CoreV1().ServiceAccounts(testNamespace).CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// dave has a role on the cluster at the hub, but no RoleBinding in it.
	dave := newToken(t, "dave", "Reader", "/subscriptions/"+clusterA.Subscription)
	if status, body := rawGet(t, dave, "/api/v1/namespaces/"+testNamespace+"/configmaps", nil); status != http.StatusForbidden {
		t.Fatalf("dave without the token: %d %s, want 403", status, body)
	}
	status, body := rawGet(t, dave, "/api/v1/namespaces/"+testNamespace+"/configmaps", http.Header{protocol.HeaderClusterToken: {tr.Status.Token}})
	if status != http.StatusOK || !strings.Contains(body, `"kind":"ConfigMapList"`) {
		t.Fatalf("dave with the service account token: %d %s", status, body)
	}
	status, body = rawGet(t, dave, "/api/v1/namespaces/kube-system/secrets", http.Header{protocol.HeaderClusterToken: {tr.Status.Token}})
	if status != http.StatusForbidden || !strings.Contains(body, "system:serviceaccount:"+testNamespace+":reader") {
		t.Fatalf("the request must run as the service account: %d %s", status, body)
	}
}

// TestUpgradedStreamsPassThroughTheTunnel: exec, attach and port-forward upgrade the
// connection (websocket or SPDY). envtest has no kubelet, so a stand-in API server upgrades
// to a websocket that echoes, behind cluster C's own agent (startEchoCluster).
func TestUpgradedStreamsPassThroughTheTunnel(t *testing.T) {
	var sawUser string
	clusterC := armid.ClusterID{Subscription: clusterA.Subscription, ResourceGroup: "rg-c", Name: "cluster-c"}
	startEchoCluster(t, clusterC, func(r *http.Request) { sawUser = r.Header.Get("Impersonate-User") })
	conn := dialExec(t, clusterC, newToken(t, "erin", "Reader", "/subscriptions/"+clusterC.Subscription))
	defer func() { _ = conn.Close() }()
	for _, msg := range []string{"hello", strings.Repeat("x", 1<<20)} {
		if err := conn.WriteMessage(websocket.BinaryMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, got, err := conn.ReadMessage()
		if err != nil || string(got) != msg {
			t.Fatalf("echo of %d bytes: got %d bytes, %v", len(msg), len(got), err)
		}
	}
	if sawUser != "kubearc:token:erin" {
		t.Fatalf("the API server saw Impersonate-User %q, want kubearc:token:erin", sawUser)
	}
}
