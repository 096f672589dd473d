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
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/gorilla/websocket"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	hubtunnel "github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
)

// createToken creates a hub token named name with the Reader role on the test subscription,
// valid for ttl (0: no expiry), and returns its ID and secret.
func createToken(t *testing.T, name string, ttl time.Duration) (id, secret string) {
	t.Helper()
	req := map[string]string{"name": name, "role": "Reader", "scope": "/subscriptions/" + clusterA.Subscription}
	if ttl > 0 {
		req["expiresIn"] = ttl.String()
	}
	status, raw, err := hub.ARM(http.MethodPost, "/kubearc/v1/tokens", hub.AdminToken, req)
	var v struct{ ID, Token string }
	if err != nil || status != http.StatusCreated || json.Unmarshal(raw, &v) != nil {
		t.Fatalf("creating token %s: %d %s %v", name, status, raw, err)
	}
	return v.ID, v.Token
}

// revokeToken revokes the hub token id as the admin.
func revokeToken(t *testing.T, id string) {
	t.Helper()
	if status, raw, err := hub.ARM(http.MethodDelete, "/kubearc/v1/tokens/"+id, hub.AdminToken, nil); err != nil || status != http.StatusNoContent {
		t.Fatalf("revoking token %s: %d %s %v", id, status, raw, err)
	}
}

// watchEndsWithin opens a ConfigMap watch through the hub as secret, runs cut, and waits
// for the watch to end; it returns how long after cut returned it ended.
func watchEndsWithin(t *testing.T, secret string, limit time.Duration, cut func()) time.Duration {
	t.Helper()
	waitConnected(t)
	w, err := userClient(t, clusterA, secret).CoreV1().ConfigMaps(testNamespace).Watch(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("opening a watch through the hub: %v", err)
	}
	defer w.Stop()
	cut()
	start := time.Now()
	deadline := time.After(limit)
	for {
		select {
		case _, ok := <-w.ResultChan():
			if !ok {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("the proxied watch is still open %s later", limit)
		}
	}
}

// TestRevokingATokenCutsItsProxiedWatch: a user's watch through cluster connect ends as
// soon as the hub token it was opened with is revoked, and the token opens nothing more.
func TestRevokingATokenCutsItsProxiedWatch(t *testing.T) {
	id, secret := createToken(t, "alice", 0)
	took := watchEndsWithin(t, secret, 10*time.Second, func() { revokeToken(t, id) })
	t.Logf("the proxied watch ended %s after the revocation was acknowledged", took)
	if _, err := userClient(t, clusterA, secret).CoreV1().ConfigMaps(testNamespace).List(context.Background(), metav1.ListOptions{}); err == nil {
		t.Fatal("the revoked token still reaches the cluster")
	}
}

// TestATokensExpiryCutsItsProxiedWatch: a proxied watch ends when its token expires. The
// token is created once the tunnel is up, and lives long enough for the watch to open on a
// loaded machine: a watch refused because the token already expired proves nothing.
func TestATokensExpiryCutsItsProxiedWatch(t *testing.T) {
	const ttl = 15 * time.Second
	waitConnected(t)
	_, secret := createToken(t, "alice", ttl)
	opened := time.Now()
	watchEndsWithin(t, secret, ttl+10*time.Second, func() {})
	t.Logf("the proxied watch ended %s after it opened; the token lived %s", time.Since(opened), ttl)
}

// TestRevokingATokenCutsItsExec: an upgraded stream (exec, attach, port-forward) through
// the tunnel ends when its token is revoked.
func TestRevokingATokenCutsItsExec(t *testing.T) {
	clusterF := armid.ClusterID{Subscription: clusterA.Subscription, ResourceGroup: "rg-f", Name: "cluster-f"}
	startEchoCluster(t, clusterF, nil)
	id, secret := createToken(t, "grace", 0)
	conn := dialExec(t, clusterF, secret)
	defer func() { _ = conn.Close() }()
	if err := conn.WriteMessage(websocket.TextMessage, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, got, err := conn.ReadMessage(); err != nil || string(got) != "hello" {
		t.Fatalf("echo before the revocation: %q %v", got, err)
	}
	revokeToken(t, id)
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(10 * time.Second))
	_ = conn.WriteMessage(websocket.TextMessage, []byte("still there?"))
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			if time.Since(start) >= 10*time.Second {
				t.Fatalf("the exec stream is still open 10s after the revocation: %v", err)
			}
			t.Logf("the exec stream ended %s after the revocation was acknowledged: %v", time.Since(start), err)
			return
		}
	}
}

// startEchoCluster starts cluster id's agent in front of a stand-in API server that
// upgrades every request to a websocket and echoes it, as envtest has no kubelet for exec;
// seen, when set, is called with each request the stand-in receives. The test's cleanup
// stops both.
func startEchoCluster(t *testing.T, id armid.ClusterID, seen func(*http.Request)) {
	t.Helper()
	echo := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen != nil {
			seen(r)
		}
		echoWebsocket(w, r)
	}))
	t.Cleanup(echo.Close)
	forwarder, err := tunnel.NewForwarder(&rest.Config{Host: echo.URL, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	agent, err := tunneltest.StartAgent(hub, id, forwarder)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.Stop)
}

// echoWebsocket upgrades to a websocket and echoes every message.
func echoWebsocket(w http.ResponseWriter, r *http.Request) {
	var upgrader websocket.Upgrader
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer func() { _ = conn.Close() }()
	for {
		kind, msg, err := conn.ReadMessage()
		if err != nil || conn.WriteMessage(kind, msg) != nil {
			return
		}
	}
}

// dialExec opens an exec websocket through the hub's proxy to cluster id as secret, once the
// cluster's tunnel is up.
func dialExec(t *testing.T, id armid.ClusterID, secret string) *websocket.Conn {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(hub.CAPEM)
	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	url := "wss" + strings.TrimPrefix(hubtunnel.ProxyURL(hub.URL, id), "https") + "/api/v1/namespaces/default/pods/p/exec?command=sh"
	var conn *websocket.Conn
	eventually(t, "an exec stream through the tunnel", func() error {
		c, resp, err := dialer.Dial(url, http.Header{"Authorization": {"Bearer " + secret}})
		if resp != nil {
			_ = resp.Body.Close()
		}
		conn = c
		return err
	})
	return conn
}
