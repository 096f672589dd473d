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

package agentclient_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

func TestRegisterThenTalkToTheHub(t *testing.T) {
	th := newTestHub(t)
	c := th.newClient("c1", th.createCluster("c1"))
	ctx := context.Background()

	if !c.NeedsRegistration(time.Now()) {
		t.Error("a client without a certificate does not need registration")
	}
	if _, err := c.Heartbeat(ctx, protocol.Heartbeat{}); !agentclient.IsUnauthorized(err) {
		t.Fatalf("heartbeat before registration: %v, want a 401", err)
	}
	resp, err := c.Register(ctx)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	certPEM, notAfter, ok := c.Certificate()
	if !ok || string(certPEM) != resp.Certificate || !notAfter.Equal(resp.NotAfter) {
		t.Errorf("Certificate() = %v %v, want the registered one expiring %v", ok, notAfter, resp.NotAfter)
	}

	hb, err := c.Heartbeat(ctx, protocol.Heartbeat{KubernetesVersion: "v1.37.2", NodeCount: 3, AgentVersion: "0.1.0"})
	if err != nil || hb.ConnectivityStatus != "Connected" {
		t.Fatalf("heartbeat: %+v %v", hb, err)
	}
	p := th.clusterProperties("c1")
	if p["connectivityStatus"] != "Connected" || p["kubernetesVersion"] != "v1.37.2" || p["totalNodeCount"] != 3.0 {
		t.Errorf("the hub shows %v after the heartbeat", p)
	}

	state, err := c.DesiredState(ctx)
	if err != nil || len(state.Items) != 1 || state.Items[0].Kind != protocol.KindAgentProfile || state.ResourceVersion == "" {
		t.Fatalf("desired state: %+v %v", state, err)
	}
	status := []protocol.ObjectStatus{{Kind: "Extension", Name: "flux", Status: json.RawMessage(`{"phase":"Installed"}`)}}
	if err := c.ReportStatus(ctx, status); err != nil {
		t.Fatalf("status report: %v", err)
	}
	if err := c.ReportStatus(ctx, []protocol.ObjectStatus{{Name: "no-kind", Status: json.RawMessage(`{}`)}}); statusOf(err) != http.StatusBadRequest {
		t.Errorf("status without a kind: %v, want a 400", err)
	}
}

func TestRegisterErrors(t *testing.T) {
	th := newTestHub(t)
	th.createCluster("c1")
	tests := []struct {
		name    string
		cluster string
		status  int
		code    string
		is      func(error) bool
	}{
		// The hub does not tell a cluster with another key from no cluster.
		{"another key", "c1", http.StatusNotFound, "ClusterNotFound", agentclient.IsNotFound},
		{"unknown cluster", "nope", http.StatusNotFound, "ClusterNotFound", agentclient.IsNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := th.newClient(tt.cluster, newKey(t))
			_, err := c.Register(context.Background())
			var he *agentclient.HubError
			if !errors.As(err, &he) || he.StatusCode != tt.status || he.Code != tt.code || !tt.is(err) {
				t.Fatalf("register: %v, want %d %s", err, tt.status, tt.code)
			}
			if _, _, ok := c.Certificate(); ok {
				t.Error("a failed registration left a certificate")
			}
		})
	}
}

func TestNeedsRegistrationAfterTwoThirdsOfTheLifetime(t *testing.T) {
	th := newTestHub(t)
	c := th.agent()
	certPEM, _, _ := c.Certificate()
	block, _ := pem.Decode(certPEM)
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	renewAfter := leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) * 2 / 3)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"just issued", time.Now(), false},
		{"just before renewAfter", renewAfter.Add(-time.Second), false},
		{"at renewAfter", renewAfter, true},
		{"expired", leaf.NotAfter.Add(time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.NeedsRegistration(tt.at); got != tt.want {
				t.Errorf("NeedsRegistration(%v) = %v, want %v (renewAfter %v)", tt.at, got, tt.want, renewAfter)
			}
		})
	}
}

func TestSetCertificateRestoresAStoredCertificate(t *testing.T) {
	th := newTestHub(t)
	key := th.createCluster("c1")
	first := th.newClient("c1", key)
	if _, err := first.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	stored, notAfter, _ := first.Certificate()

	// The agent restarts and restores the certificate from its Secret.
	restarted := th.newClient("c1", key)
	if err := restarted.SetCertificate(stored); err != nil {
		t.Fatalf("SetCertificate: %v", err)
	}
	if got, gotNotAfter, ok := restarted.Certificate(); !ok || string(got) != string(stored) || !gotNotAfter.Equal(notAfter) {
		t.Errorf("Certificate() after SetCertificate = %v %v", ok, gotNotAfter)
	}
	if restarted.NeedsRegistration(time.Now()) {
		t.Error("a restored fresh certificate needs registration")
	}
	if hb, err := restarted.Heartbeat(context.Background(), protocol.Heartbeat{}); err != nil || hb.ConnectivityStatus != "Connected" {
		t.Fatalf("heartbeat with the restored certificate: %+v %v", hb, err)
	}

	other := th.newClient("c1", newKey(t))
	for name, certPEM := range map[string][]byte{"another key's certificate": stored, "not PEM": []byte("hello")} {
		if err := other.SetCertificate(certPEM); err == nil {
			t.Errorf("SetCertificate(%s) succeeded", name)
		}
	}
	if _, _, ok := other.Certificate(); ok {
		t.Error("a rejected certificate was kept")
	}
}

func TestReRegistrationAfterExpiryReplacesOpenConnections(t *testing.T) {
	th := newTestHub(t)
	c := th.agent()
	ctx := context.Background()
	state, err := c.DesiredState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A watch keeps the HTTP/2 connection busy, so it never becomes idle.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watching := make(chan struct{})
	watchDone := make(chan error, 1)
	go func() {
		var once bool
		watchDone <- c.Watch(watchCtx, state.ResourceVersion, func(protocol.WatchEvent) error {
			if !once {
				once = true
				close(watching)
			}
			return nil
		})
	}()
	select {
	case <-watching:
	case err := <-watchDone:
		t.Fatalf("watch: %v", err)
	}

	th.Clock.Advance(25 * time.Hour) // past the 24h certificate lifetime
	if _, err := c.Heartbeat(ctx, protocol.Heartbeat{}); !agentclient.IsUnauthorized(err) {
		t.Fatalf("heartbeat with an expired certificate: %v, want a 401", err)
	}
	if !c.NeedsRegistration(th.Clock.Now()) {
		t.Fatal("an expired certificate does not need registration")
	}
	if _, err := c.Register(ctx); err != nil {
		t.Fatalf("re-registration after expiry: %v", err)
	}
	if hb, err := c.Heartbeat(ctx, protocol.Heartbeat{}); err != nil || hb.ConnectivityStatus != "Connected" {
		t.Fatalf("heartbeat after re-registration: %+v %v", hb, err)
	}
	select {
	case err := <-watchDone:
		if err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("the watch on the old certificate's connection ended with %v, want a broken stream", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("the watch on the old certificate's connection is still open")
	}
}

func statusOf(err error) int {
	var he *agentclient.HubError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}

// TestAnotherHubRejectsTheCertificate: after the hub URL (or the hub's CA) changes, the new hub
// answers the stored certificate with a 401 (not a TLS alert), which says to register again.
func TestAnotherHubRejectsTheCertificate(t *testing.T) {
	first, second := newTestHub(t), newTestHub(t)
	key := first.createCluster("c1")
	agent := first.newClient("c1", key)
	if _, err := agent.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	stored, _, _ := agent.Certificate()
	second.createClusterWithKey("c1", key)
	moved := second.newClient("c1", key)
	if err := moved.SetCertificate(stored); err != nil {
		t.Fatal(err)
	}
	_, err := moved.Heartbeat(context.Background(), protocol.Heartbeat{})
	var he *agentclient.HubError
	if !errors.As(err, &he) || !agentclient.IsUnauthorized(err) || he.Code != "InvalidClientCertificate" {
		t.Fatalf("heartbeat to another hub with the old certificate: %v; want 401 InvalidClientCertificate", err)
	}
	if _, err := moved.Register(context.Background()); err != nil {
		t.Fatalf("registering with the new hub: %v", err)
	}
	if _, err := moved.Heartbeat(context.Background(), protocol.Heartbeat{}); err != nil {
		t.Fatalf("heartbeat after registering again: %v", err)
	}
}
