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
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/gorilla/websocket"
	"github.com/hashicorp/yamux"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/hubtest"
	hubtunnel "github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
	"github.com/kubearc/kubearc/pkg/tunnelmux"
)

func waitConnected(t *testing.T) {
	t.Helper()
	waitTunnel(t, agentA)
}

// waitTunnel waits until a's tunnel is connected, so that no dial of it is still on its way.
func waitTunnel(t *testing.T, a *tunneltest.Agent) {
	t.Helper()
	eventually(t, "the tunnel reports Connected", func() error {
		if s := tunnelState(t, a); s != arcv1alpha1.TunnelConnected {
			return fmt.Errorf("state %q", s)
		}
		return nil
	})
}

func TestCreateGetListWatchThroughTheTunnel(t *testing.T) {
	waitConnected(t)
	ctx := context.Background()
	alice := userClient(t, clusterA, newToken(t, "alice", "Reader", "/subscriptions/"+clusterA.Subscription+"/resourceGroups/rg-a"))
	cms := alice.CoreV1().ConfigMaps(testNamespace)

	w, err := cms.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=greeting"})
	if err != nil {
		t.Fatalf("watch through the tunnel: %v", err)
	}
	defer w.Stop()
	created, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "greeting"}, Data: map[string]string{"hello": "world"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create through the tunnel: %v", err)
	}
	got, err := cms.Get(ctx, "greeting", metav1.GetOptions{})
	if err != nil || got.Data["hello"] != "world" || got.UID != created.UID {
		t.Fatalf("get through the tunnel: %v %v", got, err)
	}
	list, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil || !hasConfigMap(list.Items, "greeting") {
		t.Fatalf("list through the tunnel: %v", err)
	}
	select {
	case ev := <-w.ResultChan():
		if cm, ok := ev.Object.(*corev1.ConfigMap); ev.Type != watch.Added || !ok || cm.Name != "greeting" {
			t.Fatalf("watch event: %s %v", ev.Type, ev.Object)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the watch through the tunnel saw no event for the created ConfigMap")
	}
}

func hasConfigMap(items []corev1.ConfigMap, name string) bool {
	for _, cm := range items {
		if cm.Name == name {
			return true
		}
	}
	return false
}

func TestTheClusterDeniesAUserWithoutRoleBinding(t *testing.T) {
	waitConnected(t)
	bob := userClient(t, clusterA, newToken(t, "bob", "Reader", "/subscriptions/"+clusterA.Subscription))
	_, err := bob.CoreV1().ConfigMaps(testNamespace).List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `User "kubearc:token:bob"`) {
		t.Fatalf("want the API server's 403 for kubearc:token:bob, got %v", err)
	}
}

func TestTheHubDeniesAUserWithoutRoleOnTheCluster(t *testing.T) {
	waitConnected(t)
	other := userClient(t, clusterA, newToken(t, "carol", "Owner", "/subscriptions/"+clusterA.Subscription+"/resourceGroups/rg-b"))
	_, err := other.CoreV1().ConfigMaps(testNamespace).List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "no role on "+clusterA.String()) {
		t.Fatalf("want the hub's 403, got %v", err)
	}
}

// TestSmuggledImpersonationHeadersAreRemoved sends, as alice (who may edit the test
// namespace and nothing else), headers that would make the request run as someone else;
// every request must still run as alice.
func TestSmuggledImpersonationHeadersAreRemoved(t *testing.T) {
	waitConnected(t)
	token := newToken(t, "alice", "Reader", "/subscriptions/"+clusterA.Subscription)
	tests := []struct {
		name   string
		header http.Header
	}{
		{"Impersonate-User", http.Header{"Impersonate-User": {"admin"}, "Impersonate-Group": {"system:masters"}}},
		{"lower-case impersonate-group", http.Header{"impersonate-group": {"system:masters"}, "Impersonate-User": {"admin"}}},
		{"Impersonate-Group named in Connection", http.Header{"Connection": {"Impersonate-Group"}, "Impersonate-Group": {"system:masters"}}},
		{"the hub's identity header named in Connection", http.Header{"Connection": {protocol.HeaderRemoteUser + ", " + protocol.HeaderRemoteGroup}}},
		{"a forged hub identity header", http.Header{protocol.HeaderRemoteUser: {"system:admin"}, protocol.HeaderRemoteGroup: {"system:masters"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawGet(t, token, "/api/v1/namespaces/kube-system/secrets", tt.header)
			if status != http.StatusForbidden || !strings.Contains(body, `User \"kubearc:token:alice\"`) {
				t.Fatalf("want the API server's 403 for alice, got %d %s", status, body)
			}
		})
	}
}

// rawGet sends a GET through the proxy endpoint of cluster A with extra headers.
func rawGet(t *testing.T, token, path string, extra http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, hubtunnel.ProxyURL(hub.URL, clusterA)+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range extra {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hub.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestAClusterCredentialOpensOnlyItsOwnTunnel: the tunnel's cluster comes from the client
// certificate; cluster A's agent cannot open (or answer for) cluster B's tunnel.
func TestAClusterCredentialOpensOnlyItsOwnTunnel(t *testing.T) {
	waitConnected(t)
	agentB, err := startAgent(clusterB)
	if err != nil {
		t.Fatal(err)
	}
	agentB.Stop() // cluster B exists and is registered, but has no tunnel

	// Cluster A's agent asks for B's tunnel in every way the request could name it.
	tlsA, err := agentA.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	url := hub.URL + protocol.PathTunnel
	conn, err := tunnelmux.Dial(t.Context(), url, func(req *http.Request) (*http.Response, error) {
		req.Header.Set("X-Kubearc-Cluster", clusterB.String())
		return http2Client(t, tlsA).Do(req)
	})
	if err != nil {
		t.Fatalf("cluster A's agent could not open its own tunnel: %v", err)
	}
	defer func() { _ = conn.Close() }()

	admin := userClient(t, clusterB, hub.AdminToken)
	_, err = admin.CoreV1().Namespaces().Get(context.Background(), testNamespace, metav1.GetOptions{})
	if !apierrors.IsServiceUnavailable(err) {
		t.Fatalf("want 503 for cluster B, which has no tunnel, got %v", err)
	}

	// Without a client certificate there is no tunnel at all.
	noCert := tlsA.Clone()
	noCert.Certificates = nil
	if _, err := tunnelmux.Dial(t.Context(), url, http2Client(t, noCert).Do); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("want 401 without a client certificate, got %v", err)
	}
}

// http2Client is an HTTP/2 client with tlsCfg, whose connections close when the test ends.
func http2Client(t *testing.T, tlsCfg *tls.Config) *http.Client {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg, ForceAttemptHTTP2: true}}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestAnAgentBeforeThePOSTStillOpensItsTunnel: agents that open their tunnel as a websocket,
// as they did before the tunnel became a request of their HTTP/2 connection, still get
// cluster connect from the hub.
func TestAnAgentBeforeThePOSTStillOpensItsTunnel(t *testing.T) {
	waitConnected(t)
	agentB := stoppedAgent(t, clusterB)
	tlsB, err := agentB.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	tlsB.NextProtos = []string{"http/1.1"}
	dialer := websocket.Dialer{TLSClientConfig: tlsB, Subprotocols: []string{protocol.TunnelSubprotocol}}
	ws, resp, err := dialer.Dial("wss://"+strings.TrimPrefix(hub.URL, "https://")+protocol.PathTunnel, nil)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	mux, err := tunnelmux.Agent(tunnelmux.Websocket(ws), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mux.Close() }()
	forwarder, err := tunnel.NewForwarder(apiConfig, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: forwarder, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(mux) }()
	defer func() { _ = srv.Close() }()
	answersThroughTunnel(t, clusterB, "cluster B's API server answers through the websocket tunnel")
}

// stoppedAgent starts cluster id's agent, waits for its tunnel and stops it: the cluster is
// registered, and no dial of its real agent is still on its way to replace a tunnel the test
// opens by hand with its credential.
func stoppedAgent(t *testing.T, id armid.ClusterID) *tunneltest.Agent {
	t.Helper()
	a, err := startAgent(id)
	if err != nil {
		t.Fatal(err)
	}
	waitTunnel(t, a)
	a.Stop()
	return a
}

// answersThroughTunnel waits until cluster id's API server answers the admin through its
// tunnel: with the cluster's RBAC's 403, as the admin token has no binding there.
func answersThroughTunnel(t *testing.T, id armid.ClusterID, what string) {
	t.Helper()
	eventually(t, what, func() error {
		_, err := userClient(t, id, hub.AdminToken).CoreV1().Namespaces().Get(context.Background(), testNamespace, metav1.GetOptions{})
		if apierrors.IsForbidden(err) {
			return nil
		}
		return err
	})
}

// TestTheHubClosesATunnelWhoseAgentOpensAStream: streams go from the hub to the agent only;
// an agent that opens one (a broken or hostile agent) loses its tunnel, and another
// cluster's tunnel is untouched.
func TestTheHubClosesATunnelWhoseAgentOpensAStream(t *testing.T) {
	waitConnected(t)
	agentB := stoppedAgent(t, clusterB) // its credential is used by hand below
	conn, err := agentB.Hub.OpenTunnel(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	mux, err := tunnelmux.Agent(conn, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mux.Close() }()
	logged := hubLog.Len()
	// Open returns once the stream's first frame is sent; when the hub closes the tunnel
	// before Open sees that the frame went out, Open says the session shut down. Why the hub
	// closed it is in its log.
	if _, err := mux.Open(); err != nil && !errors.Is(err, yamux.ErrSessionShutdown) {
		t.Fatal(err)
	}
	select {
	case <-mux.CloseChan():
	case <-time.After(10 * time.Second):
		t.Fatal("the hub kept a tunnel whose agent opened a stream")
	}
	want := fmt.Sprintf("msg=\"Closing a tunnel whose agent opened a stream; only the hub may\" cluster=%s", strings.ToLower(clusterB.String()))
	eventually(t, "the hub logs why it closed the tunnel", func() error {
		if !strings.Contains(hubLog.String()[logged:], want) {
			return fmt.Errorf("no %q in the hub's log", want)
		}
		return nil
	})
	answersThroughTunnel(t, clusterA, "cluster A's API server answers through its tunnel")
}

func TestATenMegabyteListArrivesIntact(t *testing.T) {
	waitConnected(t)
	ctx := context.Background()
	const count, size = 100, 100 << 10
	for i := range count {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("big-%03d", i), Labels: map[string]string{"set": "big"}},
			Data: map[string]string{"data": strings.Repeat(string(rune('a'+i%26)), size)}}
		if _, err := admin.CoreV1().ConfigMaps(testNamespace).Create(ctx, cm, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	alice := userClient(t, clusterA, newToken(t, "alice", "Reader", "/subscriptions/"+clusterA.Subscription))
	list, err := alice.CoreV1().ConfigMaps(testNamespace).List(ctx, metav1.ListOptions{LabelSelector: "set=big"})
	if err != nil {
		t.Fatalf("listing 10 MB through the tunnel: %v", err)
	}
	if len(list.Items) != count {
		t.Fatalf("want %d ConfigMaps, got %d", count, len(list.Items))
	}
	for i, cm := range list.Items {
		if want := strings.Repeat(string(rune('a'+i%26)), size); cm.Data["data"] != want {
			t.Fatalf("ConfigMap %s arrived changed (%d bytes)", cm.Name, len(cm.Data["data"]))
		}
	}
}

func TestTheTunnelRecoversAfterAHubRestart(t *testing.T) {
	waitConnected(t)
	alice := userClient(t, clusterA, newToken(t, "alice", "Reader", "/subscriptions/"+clusterA.Subscription))
	restarted, err := hub.Restart(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hub = restarted
	eventually(t, "a request through the tunnel after the hub restarted", func() error {
		_, err := alice.CoreV1().ConfigMaps(testNamespace).List(context.Background(), metav1.ListOptions{Limit: 1})
		return err
	})
}

func TestTheTunnelRecoversAfterAnAgentRestart(t *testing.T) {
	waitConnected(t)
	alice := userClient(t, clusterA, newToken(t, "alice", "Reader", "/subscriptions/"+clusterA.Subscription))
	agentA.Stop()
	eventually(t, "the hub notices the agent's tunnel closed", func() error {
		_, err := alice.CoreV1().ConfigMaps(testNamespace).List(context.Background(), metav1.ListOptions{Limit: 1})
		if err == nil {
			return errors.New("requests still pass while the agent is down")
		}
		if !apierrors.IsServiceUnavailable(err) {
			return fmt.Errorf("want 503 while the agent is down: %w", err)
		}
		return nil
	})
	if err := agentA.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a request through the tunnel after the agent restarted", func() error {
		_, err := alice.CoreV1().ConfigMaps(testNamespace).List(context.Background(), metav1.ListOptions{Limit: 1})
		return err
	})
}

// TestARevokedCredentialLosesItsTunnel: when the cluster gets another agent key (or is
// deleted), the open tunnel of the old key closes at once and cannot reopen.
func TestARevokedCredentialLosesItsTunnel(t *testing.T) {
	clusterD := armid.ClusterID{Subscription: clusterA.Subscription, ResourceGroup: "rg-d", Name: "cluster-d"}
	agentD, err := startAgent(clusterD)
	if err != nil {
		t.Fatal(err)
	}
	defer agentD.Stop()
	token := newToken(t, "frank", "Reader", "/subscriptions/"+clusterD.Subscription)
	eventually(t, "cluster D's tunnel opens", func() error {
		_, err := userClient(t, clusterD, token).Discovery().ServerVersion()
		return err
	})
	_, pub := hubtest.AgentKey(t)
	if err := tunneltest.PutCluster(hub, clusterD, pub); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the old key's tunnel closes", func() error {
		_, err := userClient(t, clusterD, token).Discovery().ServerVersion()
		if err == nil {
			return errors.New("requests still pass through the old key's tunnel")
		}
		if !apierrors.IsServiceUnavailable(err) {
			return fmt.Errorf("want 503 once the tunnel closed: %w", err)
		}
		if s := tunnelState(t, agentD); s != arcv1alpha1.TunnelDisconnected {
			return fmt.Errorf("the agent reports %q", s)
		}
		return nil
	})
}

// TestADeletedClusterLosesItsTunnel: deleting the connectedCluster ends the tunnel its agent
// had open, at once; the agent cannot open another.
func TestADeletedClusterLosesItsTunnel(t *testing.T) {
	clusterE := armid.ClusterID{Subscription: clusterA.Subscription, ResourceGroup: "rg-e", Name: "cluster-e"}
	agentE, err := startAgent(clusterE)
	if err != nil {
		t.Fatal(err)
	}
	defer agentE.Stop()
	waitTunnel(t, agentE)
	status, raw, err := hub.ARM(http.MethodDelete, clusterE.String(), hub.AdminToken, nil)
	if err != nil || (status != http.StatusOK && status != http.StatusNoContent) {
		t.Fatalf("DELETE %s: %d %s %v", clusterE, status, raw, err)
	}
	eventually(t, "the deleted cluster's tunnel closes", func() error {
		if s := tunnelState(t, agentE); s == arcv1alpha1.TunnelConnected {
			return errors.New("the agent still reports its tunnel Connected")
		}
		return nil
	})
	time.Sleep(time.Second) // the agent retries with a quick backoff: it must not get back in
	if s := tunnelState(t, agentE); s == arcv1alpha1.TunnelConnected {
		t.Errorf("the deleted cluster's agent opened a tunnel again")
	}
}

func TestTheHubCountsItsTunnels(t *testing.T) {
	waitConnected(t)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, hub.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hub.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "kubearc_hub_tunnels %d", &n); err == nil {
			if n < 1 {
				t.Fatalf("kubearc_hub_tunnels = %d with cluster A connected", n)
			}
			return
		}
	}
	t.Fatalf("no kubearc_hub_tunnels in the hub's metrics:\n%s", body)
}
