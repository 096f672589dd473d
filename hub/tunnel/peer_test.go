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
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	hubtunnel "github.com/kubearc/kubearc/hub/tunnel"
	"github.com/kubearc/kubearc/internal/pgtest"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

var peerCluster = armid.ClusterID{Subscription: "00000000-0000-0000-0000-000000000001", ResourceGroup: "rg", Name: "peered"}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Two replicas share one PostgreSQL store and the hub CA. The agent's tunnel is on replica
// a, the user's requests land on replica b.
func TestRequestOnAnotherReplicaReachesTheTunnel(t *testing.T) {
	cfg, admin := startAPIServer(t)
	logs := &syncbuf.Buffer{}
	a, b := startReplicas(t, logs)
	forwarder, err := tunnel.NewForwarder(cfg, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	agent, err := tunneltest.StartAgent(a, peerCluster, forwarder)
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Stop()
	waitForHolder(t, b.Store(), "a")
	token, err := tunneltest.NewToken(b, "alice", "Reader", "/")
	if err != nil {
		t.Fatal(err)
	}
	user := kubernetes.NewForConfigOrDie(tunneltest.UserConfig(b, peerCluster, token))
	ctx := t.Context()

	watch, err := user.CoreV1().ConfigMaps("team").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("a watch through replica b: %v", err)
	}
	defer watch.Stop()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "from-b"}, Data: map[string]string{"k": "v"}}
	if _, err := user.CoreV1().ConfigMaps("team").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating a ConfigMap through replica b: %v", err)
	}
	if got, err := admin.CoreV1().ConfigMaps("team").Get(ctx, "from-b", metav1.GetOptions{}); err != nil || got.Data["k"] != "v" {
		t.Fatalf("the ConfigMap in the cluster: %v %v", got, err)
	}
	select {
	case ev := <-watch.ResultChan():
		if obj, ok := ev.Object.(*corev1.ConfigMap); !ok || obj.Name != "from-b" {
			t.Errorf("the watch through replica b saw %s %T, want the new ConfigMap", ev.Type, ev.Object)
		}
	case <-time.After(30 * time.Second):
		t.Error("the watch through replica b saw nothing")
	}
	// The cluster's RBAC judges alice, as relayed by b, even when she claims another user.
	_, err = user.CoreV1().Secrets("team").List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `"kubearc:token:alice"`) {
		t.Errorf("listing Secrets as alice through b: %v, want Forbidden for kubearc:token:alice", err)
	}
	spoofing := tunneltest.UserConfig(b, peerCluster, token)
	spoofing.WrapTransport = setHeader(hubtunnel.HeaderPeerPrincipal, `{"Name":"admin","Role":"Owner"}`)
	_, err = kubernetes.NewForConfigOrDie(spoofing).CoreV1().Secrets("team").List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `"kubearc:token:alice"`) {
		t.Errorf("listing Secrets as alice claiming to be admin: %v, want Forbidden for kubearc:token:alice", err)
	}

	// The user's cluster token travels to the agent, as on one hub; neither token is logged.
	withClusterToken := tunneltest.UserConfig(b, peerCluster, token)
	withClusterToken.WrapTransport = setHeader(protocol.HeaderClusterToken, "canary-cluster-token")
	_, err = kubernetes.NewForConfigOrDie(withClusterToken).CoreV1().ConfigMaps("team").List(ctx, metav1.ListOptions{})
	if !apierrors.IsUnauthorized(err) {
		t.Errorf("a request with a bad cluster token through b: %v, want the cluster's 401", err)
	}

	// The agent moves to replica b (its replica a went away): requests through a follow it.
	agent.Stop()
	waitForNoHolder(t, b.Store())
	if _, err := user.CoreV1().ConfigMaps("team").Get(ctx, "from-b", metav1.GetOptions{}); !apierrors.IsServiceUnavailable(err) {
		t.Errorf("a request through b after the agent left: %v, want 503", err)
	}
	moved, err := tunneltest.StartAgent(b, peerCluster, forwarder)
	if err != nil {
		t.Fatal(err)
	}
	waitForHolder(t, a.Store(), "b")
	viaA := kubernetes.NewForConfigOrDie(tunneltest.UserConfig(a, peerCluster, token))
	if _, err := viaA.CoreV1().ConfigMaps("team").Get(ctx, "from-b", metav1.GetOptions{}); err != nil {
		t.Errorf("a request through a to the tunnel on b: %v", err)
	}
	moved.Stop()
	waitForNoHolder(t, b.Store())
	_, err = user.CoreV1().ConfigMaps("team").Get(ctx, "from-b", metav1.GetOptions{})
	if !apierrors.IsServiceUnavailable(err) || !strings.Contains(err.Error(), "no tunnel") {
		t.Errorf("a request through b after the agent left: %v, want 503 saying the cluster has no tunnel", err)
	}
	if !strings.Contains(logs.String(), "Relaying a request from another replica") {
		t.Error("the replicas' debug logs do not show the relay: the secrets check below checks nothing")
	}
	for _, secret := range []string{token, "canary-cluster-token"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the replicas' debug logs hold a secret: %q", secret)
		}
	}
}

// The peer endpoint serves replicas only: a user, even with the hub's admin token, or a
// caller without a client certificate, cannot act as a relayed user.
func TestPeerEndpointRefusesNonReplicas(t *testing.T) {
	a, _ := startReplicas(t, &syncbuf.Buffer{})
	url := a.URL + hubtunnel.PeerProxyPrefix + peerCluster.String() + "/api/v1/namespaces"
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.AdminToken)
	req.Header.Set(hubtunnel.HeaderPeerPrincipal, `{"Name":"admin","Role":"Owner","Scope":"/"}`)
	resp, err := a.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "only hub replicas") {
		t.Errorf("a user on the peer endpoint: %d %s, want 403 saying only replicas may", resp.StatusCode, body)
	}
}

// startReplicas starts replicas a and b of one hub on one PostgreSQL database, logging to
// logs; they share a data directory for the CA (and the admin token's file).
func startReplicas(t *testing.T, logs io.Writer) (a, b *hubtest.Hub) {
	t.Helper()
	return startReplicasWrapping(t, logs, nil)
}

// startReplicasWrapping starts replicas a and b as startReplicas does, with wrapA, when set,
// wrapping replica a's store.
func startReplicasWrapping(t *testing.T, logs io.Writer, wrapA func(store.Store) store.Store) (a, b *hubtest.Hub) {
	t.Helper()
	dir, dsn := t.TempDir(), pgtest.Database(t)
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	start := func(id string, wrap func(store.Store) store.Store) *hubtest.Hub {
		h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir,
			Configure: func(c *server.Config) { c.ReplicaID, c.StoreDSN, c.Log, c.WrapStore = id, dsn, log, wrap }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Stop() })
		return h
	}
	return start("a", wrapA), start("b", nil)
}

// startAPIServer starts a kube-apiserver whose namespace "team" lets the hub token alice use
// ConfigMaps.
func startAPIServer(t *testing.T) (*rest.Config, kubernetes.Interface) {
	t.Helper()
	env, cfg, err := tunneltest.StartAPIServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	admin := kubernetes.NewForConfigOrDie(cfg)
	ctx := t.Context()
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "configmaps", Namespace: "team"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch", "create"}}}}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "alice", Namespace: "team"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "configmaps"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "kubearc:token:alice"}}}
	if _, err := admin.RbacV1().Roles("team").Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RbacV1().RoleBindings("team").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return cfg, admin
}

// waitForHolder waits until the store records replica as the holder of the cluster's tunnel.
func waitForHolder(t *testing.T, st store.Store, replica string) {
	t.Helper()
	eventually(t, "the tunnel's record", func() error {
		h, err := st.GetTunnelHolder(t.Context(), peerCluster.String())
		if err != nil {
			return err
		}
		if h.Replica != replica {
			return fmt.Errorf("held by %s, want %s", h.Replica, replica)
		}
		return nil
	})
}

// waitForNoHolder waits until the store records no holder of the cluster's tunnel.
func waitForNoHolder(t *testing.T, st store.Store) {
	t.Helper()
	eventually(t, "the tunnel's record gone", func() error {
		h, err := st.GetTunnelHolder(t.Context(), peerCluster.String())
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("still held: %+v: %w", h, err)
	})
}

// eventually polls check until it succeeds; the bound only keeps a broken test from hanging.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err = check(); err == nil {
			return
		}
	}
	t.Fatalf("%s: still failing: %v", what, err)
}

// setHeader wraps a transport to set header name on every request, as a client could.
func setHeader(name, value string) func(http.RoundTripper) http.RoundTripper {
	return func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set(name, value)
			return rt.RoundTrip(r)
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A tunnel's record that a replica failed to write, or that went missing, is written again
// while the replica holds the tunnel; a record naming another replica, where the agent's
// newer tunnel is, is left alone.
func TestTunnelRecordIsWrittenAgain(t *testing.T) {
	t.Cleanup(hubtunnel.SetRegistryInterval(200 * time.Millisecond)) // after the replicas stop
	counted := &countingStore{}
	a, b := startReplicasWrapping(t, io.Discard, counted.wrap)
	agent, err := tunneltest.StartAgent(a, peerCluster, unreachableCluster(t))
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Stop()
	waitForHolder(t, b.Store(), "a")
	// As if a's write had failed: no record.
	if err := b.Store().DeleteTunnelHolder(t.Context(), peerCluster.String(), "a"); err != nil {
		t.Fatal(err)
	}
	waitForHolder(t, b.Store(), "a")
	h, err := b.Store().GetTunnelHolder(t.Context(), peerCluster.String())
	if err != nil || h.PeerURL != "https://"+a.Addr {
		t.Errorf("the record written again: %+v, %v; want a's URL https://%s", h, err, a.Addr)
	}

	// The agent's newer tunnel is on b, a has not noticed its own ended yet.
	newer := store.TunnelHolder{ClusterID: peerCluster.String(), Replica: "b", PeerURL: "https://" + b.Addr}
	if err := b.Store().PutTunnelHolder(t.Context(), newer); err != nil {
		t.Fatal(err)
	}
	counted.waitForLists(t, 3)
	if h, err := b.Store().GetTunnelHolder(t.Context(), peerCluster.String()); err != nil || h.Replica != "b" {
		t.Errorf("the record of b's newer tunnel after replica a checked its records: %+v, %v; want b's left alone", h, err)
	}
}

// A replica checks the records of all the tunnels it holds with one read per interval, not
// one per tunnel. While that read fails it writes nothing, then writes what went missing.
func TestTunnelRecordsAreCheckedWithOneRead(t *testing.T) {
	t.Cleanup(hubtunnel.SetRegistryInterval(100 * time.Millisecond)) // after the replicas stop
	counted := &countingStore{}
	a, b := startReplicasWrapping(t, io.Discard, counted.wrap)
	handler := unreachableCluster(t)
	const tunnels = 5
	ids := make([]armid.ClusterID, tunnels)
	for i := range ids {
		ids[i] = armid.ClusterID{Subscription: peerCluster.Subscription, ResourceGroup: "rg", Name: fmt.Sprintf("held-%d", i)}
		agent, err := tunneltest.StartAgent(a, ids[i], handler)
		if err != nil {
			t.Fatal(err)
		}
		defer agent.Stop()
	}
	recordsOfA := func(want int) func() error {
		return func() error {
			hs, err := b.Store().ListTunnelHolders(t.Context(), "a")
			if err == nil && len(hs) != want {
				err = fmt.Errorf("%d records name replica a, want %d", len(hs), want)
			}
			return err
		}
	}
	eventually(t, "the tunnels' records", recordsOfA(tunnels))
	counted.waitForLists(t, 1) // a list that began before the last record was written reads that one alone
	gets := counted.gets.Load()
	counted.waitForLists(t, 3)
	if n := counted.gets.Load() - gets; n != 0 {
		t.Errorf("replica a read %d single tunnel records while checking its %d tunnels 3 times, want none", n, tunnels)
	}

	counted.failLists.Store(true)
	counted.waitForLists(t, 1) // the checks before, which had nothing to write, are over
	if err := b.Store().DeleteTunnelHolder(t.Context(), ids[0].String(), "a"); err != nil {
		t.Fatal(err)
	}
	gets, puts := counted.gets.Load(), counted.puts.Load()
	counted.waitForLists(t, 3)
	if n, m := counted.gets.Load()-gets, counted.puts.Load()-puts; n != 0 || m != 0 {
		t.Errorf("while its list failed, replica a read %d and wrote %d single tunnel records, want none", n, m)
	}
	counted.failLists.Store(false)
	eventually(t, "the missing record written again", recordsOfA(tunnels))
}

// countingStore counts a replica's reads and writes of tunnel records, and fails its lists of
// them while failLists is set.
type countingStore struct {
	store.Store
	gets, lists, puts atomic.Int64
	failLists         atomic.Bool
}

func (s *countingStore) wrap(st store.Store) store.Store {
	s.Store = st
	return s
}

func (s *countingStore) GetTunnelHolder(ctx context.Context, clusterID string) (*store.TunnelHolder, error) {
	s.gets.Add(1)
	return s.Store.GetTunnelHolder(ctx, clusterID)
}

func (s *countingStore) PutTunnelHolder(ctx context.Context, h store.TunnelHolder) error {
	s.puts.Add(1)
	return s.Store.PutTunnelHolder(ctx, h)
}

func (s *countingStore) ListTunnelHolders(ctx context.Context, replica string) ([]store.TunnelHolder, error) {
	s.lists.Add(1)
	if s.failLists.Load() {
		return nil, fmt.Errorf("list tunnel holders: %w", store.ErrUnavailable)
	}
	return s.Store.ListTunnelHolders(ctx, replica)
}

// waitForLists waits until the replica has begun n more lists of its tunnel records.
func (s *countingStore) waitForLists(t *testing.T, n int64) {
	t.Helper()
	want := s.lists.Load() + n
	eventually(t, "the replica's checks of its tunnel records", func() error {
		if got := s.lists.Load(); got < want {
			return fmt.Errorf("%d lists, want %d", got, want)
		}
		return nil
	})
}

// unreachableCluster serves an agent's tunnel for tests that need the tunnel, not the cluster.
func unreachableCluster(t *testing.T) http.Handler {
	t.Helper()
	forwarder, err := tunnel.NewForwarder(&rest.Config{Host: "https://127.0.0.1:1"}, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return forwarder
}
