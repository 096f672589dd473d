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

package server_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestRegistrationIssuesAClientCertificate(t *testing.T) {
	th := newTestHub(t)
	k := th.createCluster(sub, rg, "c1")
	id := clusterPath(sub, rg, "c1")

	r, cert := th.register(id, k)
	if cert == nil {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	now := th.Clock.Now()
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: th.caPool(), CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("the client certificate does not verify against the hub CA: %v", err)
	}
	notAfter, _ := time.Parse(time.RFC3339, r.body["notAfter"].(string))
	renewAfter, _ := time.Parse(time.RFC3339, r.body["renewAfter"].(string))
	lifetime := notAfter.Sub(leaf.NotBefore)
	if d := renewAfter.Sub(leaf.NotBefore) - lifetime*2/3; d < -time.Minute || d > time.Minute {
		t.Errorf("renewAfter is not two thirds into the lifetime: notBefore %v renewAfter %v notAfter %v", leaf.NotBefore, renewAfter, notAfter)
	}
	got := th.do(http.MethodGet, id+api2024, th.AdminToken, nil)
	if got.props()["managedIdentityCertificateExpirationTime"] == nil {
		t.Errorf("the cluster does not show the certificate's expiry: %v", got.props())
	}
}

func TestRegistrationNeedsProofOfPossession(t *testing.T) {
	th := newTestHub(t)
	th.createCluster(sub, rg, "c1")
	id := clusterPath(sub, rg, "c1")
	tests := []struct {
		name   string
		req    any
		status int
		code   string
	}{
		// Another key and no cluster get one answer: registration is unauthenticated, so it
		// must not tell whether a cluster exists. So does a malformed CSR for either.
		{"another key", protocol.RegisterRequest{ResourceID: id, CSR: csrPEM(t, newAgentKey(t).key)}, 404, "ClusterNotFound"},
		{"not a CSR", protocol.RegisterRequest{ResourceID: id, CSR: "hello"}, 400, "InvalidCSR"},
		{"unknown cluster", protocol.RegisterRequest{ResourceID: clusterPath(sub, rg, "nope"), CSR: csrPEM(t, newAgentKey(t).key)}, 404, "ClusterNotFound"},
		{"not a CSR, unknown cluster", protocol.RegisterRequest{ResourceID: clusterPath(sub, rg, "nope"), CSR: "hello"}, 400, "InvalidCSR"},
		{"bad resource ID", protocol.RegisterRequest{ResourceID: "/subscriptions/x", CSR: "x"}, 400, "InvalidResourceID"},
		{"bad JSON", `{"resourceId":`, 400, "InvalidRequestContent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.do(http.MethodPost, protocol.PathRegister, "", tt.req)
			if r.status != tt.status || r.body["code"] != tt.code {
				t.Fatalf("got %d %s, want %d %s", r.status, r.raw, tt.status, tt.code)
			}
		})
	}
}

func TestHeartbeatShowsOnTheCluster(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	hb := protocol.Heartbeat{KubernetesVersion: "v1.37.2", NodeCount: 3, CoreCount: 12, AgentVersion: "0.1.0",
		Distribution: "kind", Infrastructure: "generic", AgentCPUMillicores: 5, AgentMemoryBytes: 40 << 20}
	r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", hb)
	if r.status != http.StatusOK || r.body["connectivityStatus"] != "Connected" {
		t.Fatalf("heartbeat: %d %s", r.status, r.raw)
	}
	p := th.do(http.MethodGet, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil).props()
	for field, want := range map[string]any{"kubernetesVersion": "v1.37.2", "totalNodeCount": 3.0, "totalCoreCount": 12.0,
		"agentVersion": "0.1.0", "connectivityStatus": "Connected", "distribution": "k3s"} {
		if p[field] != want {
			t.Errorf("properties.%s = %v, want %v", field, p[field], want)
		}
	}
	if p["lastConnectivityTime"] == nil {
		t.Error("lastConnectivityTime is missing after a heartbeat")
	}
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", `{"nodeCount": "three"}`); r.status != http.StatusBadRequest {
		t.Errorf("malformed heartbeat: %d, want 400", r.status)
	}
}

func TestConnectivityFollowsHeartbeatsAndCertificates(t *testing.T) {
	th := newTestHub(t)
	agent, k := th.agent("c1")
	id := clusterPath(sub, rg, "c1")
	status := func() any { return th.do(http.MethodGet, id+api2024, th.AdminToken, nil).props()["connectivityStatus"] }

	if got := status(); got != "Connecting" {
		t.Fatalf("before the first heartbeat: %v", got)
	}
	th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{})
	if got := status(); got != "Connected" {
		t.Fatalf("after a heartbeat: %v", got)
	}
	th.Clock.Advance(5*time.Minute + time.Second)
	if got := status(); got != "Offline" {
		t.Fatalf("after 5m1s of silence: %v", got)
	}
	th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{})
	if got := status(); got != "Connected" {
		t.Fatalf("after a heartbeat again: %v", got)
	}
	// The certificate lives 24h; an hour past its expiry without renewal the cluster is Expired.
	th.Clock.Advance(25*time.Hour + time.Minute)
	if got := status(); got != "Expired" {
		t.Fatalf("after the certificate lapsed: %v", got)
	}
	// On the open connection and on a new one the request is refused with a 401 that tells the
	// agent to register again (not a TLS alert it could not tell from a network failure).
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusUnauthorized || r.body["code"] != "CertificateExpired" {
		t.Fatalf("heartbeat with an expired certificate: %d %s, want 401 CertificateExpired", r.status, r.raw)
	}
	agent.CloseIdleConnections()
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusUnauthorized || r.body["code"] != "CertificateExpired" {
		t.Fatalf("heartbeat with an expired certificate on a new connection: %d %s, want 401 CertificateExpired", r.status, r.raw)
	}
	// Re-registering with the same key needs no re-onboarding.
	r, cert := th.register(id, k)
	if cert == nil {
		t.Fatalf("re-registration after expiry: %d %s", r.status, r.raw)
	}
	if r := th.send(th.client(cert), http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.body["connectivityStatus"] != "Connected" {
		t.Fatalf("heartbeat after re-registration: %d %s", r.status, r.raw)
	}
}

func TestAgentEndpointsNeedTheClusterCertificate(t *testing.T) {
	th := newTestHub(t)
	agentA, _ := th.agent("a")
	th.createCluster(sub, rg, "b")
	th.do(http.MethodPatch, clusterPath(sub, rg, "b")+api2024, th.AdminToken,
		map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": "9.9.9"}}})

	if r := th.do(http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusUnauthorized {
		t.Errorf("heartbeat without a client certificate: %d, want 401", r.status)
	}
	if r := th.do(http.MethodGet, protocol.PathDesiredState, th.AdminToken, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a user token on the agent API: %d, want 401", r.status)
	}
	// A's certificate sees A's desired state only.
	state := th.send(agentA, http.MethodGet, protocol.PathDesiredState, "", nil)
	if state.status != http.StatusOK || strings.Contains(state.raw, "9.9.9") {
		t.Errorf("agent A read cluster B's desired state: %s", state.raw)
	}
	// A's certificate cannot speak for B on the management API either.
	if r := th.send(agentA, http.MethodGet, clusterPath(sub, rg, "b")+api2024, "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("agent certificate on the management API: %d, want 401", r.status)
	}
}

func TestRecreatedClusterRevokesOldCertificates(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	th.do(http.MethodDelete, clusterPath(sub, rg, "c1")+api2024, th.AdminToken, nil)
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusForbidden {
		t.Fatalf("heartbeat of a deleted cluster: %d, want 403", r.status)
	}
	th.createCluster(sub, rg, "c1") // same name, new key
	if r := th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusForbidden || r.body["code"] != "ClusterCredentialRevoked" {
		t.Fatalf("old certificate on a re-created cluster: %d %s, want 403 ClusterCredentialRevoked", r.status, r.raw)
	}
}

func TestStatusReports(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	// The hub keeps the status of a hub-owned object only while the cluster has it desired.
	th.do(http.MethodPut, extensionPath("c1", "flux")+apiExt, th.AdminToken, extBody(map[string]any{"extensionType": "flux"}))
	obj, _ := th.desiredExtension(agent, "flux")
	report := protocol.StatusReport{Items: []protocol.ObjectStatus{
		{Kind: "Extension", Name: "flux", ObservedResourceVersion: obj.ResourceVersion, Status: json.RawMessage(`{"phase":"Installed"}`)},
		{Kind: "Extension", Name: "local", Status: json.RawMessage(`{"phase":"Failed"}`)},
	}}
	if r := th.send(agent, http.MethodPost, protocol.PathStatus, "", report); r.status != http.StatusNoContent {
		t.Fatalf("status report: %d %s", r.status, r.raw)
	}
	got, err := th.Store().ListStatuses(context.Background(), clusterPath(sub, rg, "c1"))
	if err != nil || len(got) != 2 {
		t.Fatalf("stored statuses: %v %v", got, err)
	}
	if r := th.send(agent, http.MethodPost, protocol.PathStatus, "", `{"items":[{"kind":""}]}`); r.status != http.StatusBadRequest {
		t.Errorf("status without kind: %d, want 400", r.status)
	}
}

// watcher reads a watch stream line by line.
type watcher struct {
	t      *testing.T
	resp   *http.Response
	events chan protocol.WatchEvent
}

func (th *testHub) watch(agent *http.Client, rv string) (*watcher, int) {
	th.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, th.url(protocol.PathWatch+"?resourceVersion="+rv), nil)
	c := *agent
	c.Timeout = 0
	resp, err := c.Do(req) //nolint:bodyclose // closed when the test ends
	if err != nil {
		th.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close()
		return nil, resp.StatusCode
	}
	w := &watcher{t: th.t, resp: resp, events: make(chan protocol.WatchEvent, 100)}
	go func() {
		defer close(w.events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			var e protocol.WatchEvent
			if json.Unmarshal(sc.Bytes(), &e) == nil {
				w.events <- e
			}
		}
	}()
	th.t.Cleanup(func() { _ = resp.Body.Close() })
	return w, resp.StatusCode
}

// next returns the next event that is not a bookmark.
func (w *watcher) next() protocol.WatchEvent {
	w.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-w.events:
			if !ok {
				w.t.Fatal("the watch stream ended")
			}
			if e.Type != protocol.Bookmark {
				return e
			}
		case <-deadline:
			w.t.Fatal("no watch event arrived")
		}
	}
}

func (w *watcher) bookmark() protocol.WatchEvent {
	w.t.Helper()
	for e := range w.events {
		if e.Type == protocol.Bookmark {
			return e
		}
	}
	w.t.Fatal("the watch stream ended without a bookmark")
	return protocol.WatchEvent{}
}

func setAgentVersion(th *testHub, name, v string) {
	th.t.Helper()
	r := th.do(http.MethodPatch, clusterPath(sub, rg, name)+api2024, th.AdminToken,
		map[string]any{"properties": map[string]any{"arcAgentProfile": map[string]any{"desiredAgentVersion": v}}})
	if r.status != http.StatusOK {
		th.t.Fatalf("PATCH: %d %s", r.status, r.raw)
	}
}

func agentProfile(t *testing.T, obj *protocol.DesiredObject) protocol.AgentProfile {
	t.Helper()
	var p protocol.AgentProfile
	if obj == nil || obj.Kind != protocol.KindAgentProfile || json.Unmarshal(obj.Spec, &p) != nil {
		t.Fatalf("not an agent profile: %+v", obj)
	}
	return p
}

func TestDesiredStateListWatchAndResume(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")

	list := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	var state protocol.DesiredState
	if err := json.Unmarshal([]byte(list.raw), &state); err != nil || len(state.Items) != 1 {
		t.Fatalf("desired state: %s", list.raw)
	}
	if p := agentProfile(t, &state.Items[0]); p.AgentAutoUpgrade != "Enabled" {
		t.Errorf("default agent profile = %+v", p)
	}

	w, _ := th.watch(agent, state.ResourceVersion)
	if b := w.bookmark(); b.ResourceVersion != state.ResourceVersion {
		t.Errorf("first bookmark at %s, want the list's %s", b.ResourceVersion, state.ResourceVersion)
	}
	setAgentVersion(th, "c1", "1.5.0")
	e := w.next()
	if e.Type != protocol.Modified || agentProfile(t, e.Object).DesiredAgentVersion != "1.5.0" {
		t.Fatalf("event after PATCH = %+v", e)
	}
	seen := e.ResourceVersion
	if b := w.bookmark(); b.ResourceVersion < seen {
		t.Errorf("idle bookmark %s is older than the last event %s", b.ResourceVersion, seen)
	}

	// While the agent is away a change happens; resuming from the last version delivers it.
	_ = w.resp.Body.Close()
	setAgentVersion(th, "c1", "1.6.0")
	resumed, _ := th.watch(agent, seen)
	if e := resumed.next(); agentProfile(t, e.Object).DesiredAgentVersion != "1.6.0" {
		t.Fatalf("resumed watch delivered %+v", e)
	}

	// An unchanged PATCH sends nothing new; a bad version is a 400.
	if _, status := th.watch(agent, "x"); status != http.StatusBadRequest {
		t.Errorf("watch from a malformed version: %d, want 400", status)
	}
}

func TestWatchFromACompactedVersionIsGone(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	list := th.send(agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	old, _ := list.body["resourceVersion"].(string)

	// Another cluster comes and goes; its deletion is compacted away.
	th.createCluster(sub, rg, "tmp")
	th.do(http.MethodDelete, clusterPath(sub, rg, "tmp")+api2024, th.AdminToken, nil)
	if err := th.Store().CompactDesired(context.Background(), th.Clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, status := th.watch(agent, old); status != http.StatusGone {
		t.Fatalf("watch from before the compaction: %d, want 410", status)
	}
}

func TestHubRestartLosesNothing(t *testing.T) {
	th := newTestHub(t)
	agent, _ := th.agent("c1")
	setAgentVersion(th, "c1", "2.0.0")
	th.send(agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{KubernetesVersion: "v1.37.2", NodeCount: 4})
	admin := th.AdminToken
	th2 := th.restart()
	if th2.AdminToken != admin {
		t.Error("the admin token changed across a restart")
	}
	th2Agent := th2.client(agentCert(t, agent))
	got := th2.do(http.MethodGet, clusterPath(sub, rg, "c1")+api2024, admin, nil)
	p := got.props()
	if got.status != http.StatusOK || p["kubernetesVersion"] != "v1.37.2" || p["totalNodeCount"] != 4.0 || p["connectivityStatus"] != "Connected" {
		t.Fatalf("after restart: %d %v", got.status, p)
	}
	if r := th2.send(th2Agent, http.MethodPost, protocol.PathHeartbeat, "", protocol.Heartbeat{}); r.status != http.StatusOK {
		t.Fatalf("the agent's certificate is not accepted after a restart: %d %s", r.status, r.raw)
	}
	state := th2.send(th2Agent, http.MethodGet, protocol.PathDesiredState, "", nil)
	if !strings.Contains(state.raw, "2.0.0") {
		t.Fatalf("desired state lost across restart: %s", state.raw)
	}
}

// agentCert returns the client certificate an agent client presents.
func agentCert(t *testing.T, c *http.Client) *tls.Certificate {
	t.Helper()
	return &c.Transport.(*http.Transport).TLSClientConfig.Certificates[0]
}
