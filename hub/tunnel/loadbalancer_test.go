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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	hubtunnel "github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/internal/pgtest"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/armid"
)

var balancedCluster = armid.ClusterID{Subscription: "00000000-0000-0000-0000-000000000001", ResourceGroup: "rg", Name: "balanced"}

// Three replicas on one PostgreSQL behind HAProxy (TCP, TLS passed through to the hubs):
// the agent and the user know only the load balancer's URL. Requests work whichever replica
// they land on; when the replica holding the tunnel goes, the agent reconnects through the
// load balancer to another and requests work again.
func TestReplicasBehindALoadBalancer(t *testing.T) {
	cfg, _ := startAPIServer(t)
	dir, dsn := t.TempDir(), pgtest.Database(t)
	logs := &syncbuf.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	replicas := map[string]*hubtest.Hub{}
	for _, id := range []string{"a", "b", "c"} {
		h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir,
			Configure: func(c *server.Config) { c.ReplicaID, c.StoreDSN, c.Log = id, dsn, log }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Stop() })
		replicas[id] = h
	}
	lb := startHAProxy(t, replicas)
	agent := startAgentThrough(t, lb, replicas["a"], cfg)
	defer agent()
	token, err := tunneltest.NewToken(replicas["a"], "alice", "Reader", "/")
	if err != nil {
		t.Fatal(err)
	}
	// A new connection per client: the load balancer sends each to the next replica.
	newUser := func() kubernetes.Interface {
		return kubernetes.NewForConfigOrDie(&rest.Config{Host: hubtunnel.ProxyURL(lb, balancedCluster), BearerToken: token,
			TLSClientConfig: rest.TLSClientConfig{CAData: replicas["a"].CAPEM}, Dial: (&net.Dialer{}).DialContext})
	}
	holder := eventuallyHolder(t, replicas["a"].Store(), "")
	for i := range 6 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("via-lb-%d", i)}}
		if _, err := newUser().CoreV1().ConfigMaps("team").Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
			t.Fatalf("request %d through the load balancer (tunnel on %s): %v", i, holder, err)
		}
	}
	for id := range replicas {
		if id != holder && !relayedFrom(logs.String(), id) {
			t.Errorf("no request landed on replica %s, relayed to the tunnel on %s; logs:\n%s", id, holder, logs.String())
		}
	}
	user := newUser()

	stopped := time.Now()
	if err := replicas[holder].Stop(); err != nil {
		t.Fatal(err)
	}
	var survivor string
	for id := range replicas {
		if id != holder {
			survivor = id
			break
		}
	}
	moved := eventuallyHolder(t, replicas[survivor].Store(), holder)
	eventually(t, "requests through the load balancer after the tunnel moved", func() error {
		_, err := user.CoreV1().ConfigMaps("team").Get(t.Context(), "via-lb-0", metav1.GetOptions{})
		return err
	})
	t.Logf("the tunnel moved from replica %s to %s, usable again after %s", holder, moved, time.Since(stopped))
}

// startHAProxy runs HAProxy (hack/haproxy.sh) in front of the replicas, health-checking
// /readyz, and returns its URL.
func startHAProxy(t *testing.T, replicas map[string]*hubtest.Hub) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), filepath.Join("..", "..", "hack", "haproxy.sh")).Output()
	if err != nil {
		t.Fatalf("HAProxy is needed: hack/haproxy.sh: %v", err)
	}
	addr := freeAddr(t)
	var servers strings.Builder
	for id, h := range replicas {
		fmt.Fprintf(&servers, "  server %s %s check check-ssl verify none inter 300ms fall 1 rise 1\n", id, h.Addr)
	}
	config := `global
  maxconn 1000
defaults
  mode tcp
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  retries 3
  option redispatch
frontend hub
  bind ` + addr + `
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz
` + servers.String()
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(context.Background(), strings.TrimSpace(string(out)), "-db", "-f", path) // killed at cleanup
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting HAProxy: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	eventually(t, "HAProxy listening", func() error {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(t.Context(), "tcp", addr)
		if err != nil {
			return fmt.Errorf("%w; its output: %s", err, log.String())
		}
		return c.Close()
	})
	return "https://" + addr
}

// startAgentThrough creates the cluster on replica h and runs its agent's tunnel to the
// hub at url, relaying to the API server of cfg; the returned function stops it.
func startAgentThrough(t *testing.T, url string, h *hubtest.Hub, cfg *rest.Config) func() {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := agentpubkey.Encode(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := tunneltest.PutCluster(h, balancedCluster, pub); err != nil {
		t.Fatal(err)
	}
	hc, err := agentclient.New(agentclient.Options{HubURL: url, ClusterID: balancedCluster.String(), Key: key, HubCAPEM: h.CAPEM})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hc.Register(t.Context()); err != nil {
		t.Fatalf("registering through the load balancer: %v", err)
	}
	forwarder, err := tunnel.NewForwarder(cfg, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	scheme := kruntime.NewScheme()
	if err := arcv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	conn := &arcv1alpha1.ArcConnection{ObjectMeta: metav1.ObjectMeta{Name: arcv1alpha1.ArcConnectionName},
		Spec: arcv1alpha1.ArcConnectionSpec{ClusterConnect: arcv1alpha1.ClusterConnectSpec{Enabled: true}}}
	status := fake.NewClientBuilder().WithScheme(scheme).WithObjects(conn).WithStatusSubresource(conn).Build()
	a := &tunnel.Agent{Client: status, HubClient: func() *agentclient.Client { return hc }, Handler: forwarder,
		Log: logr.Discard(), CheckInterval: 200 * time.Millisecond,
		Backoff: wait.Backoff{Duration: 100 * time.Millisecond, Factor: 2, Jitter: 0.5, Steps: 1 << 30, Cap: time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Start(ctx) }()
	return func() { cancel(); <-done }
}

// eventuallyHolder waits until a replica other than not holds the cluster's tunnel, and
// returns it.
func eventuallyHolder(t *testing.T, st store.Store, not string) string {
	t.Helper()
	var holder string
	eventually(t, "the tunnel's record", func() error {
		h, err := st.GetTunnelHolder(t.Context(), balancedCluster.String())
		if err != nil {
			return err
		}
		if h.Replica == not {
			return fmt.Errorf("still held by %s", not)
		}
		holder = h.Replica
		return nil
	})
	return holder
}

// freeAddr returns a loopback address with a free port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

// relayedFrom reports whether the logs show a request relayed from replica id.
func relayedFrom(logs, id string) bool {
	for line := range strings.Lines(logs) {
		if strings.Contains(line, "Relaying a request from another replica") && strings.HasSuffix(line, " replica="+id+"\n") {
			return true
		}
	}
	return false
}
