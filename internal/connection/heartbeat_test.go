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

package connection

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/kubernetes/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestStatusShowsTheURLTheHeartbeatReached: while the hub at the URL in use accepts a
// heartbeat, another request to it (the watch, the tunnel) gets a 503 and moves the client
// to the next URL. status.hubURL is the URL that accepted the heartbeat, not the one the
// client moved to.
func TestStatusShowsTheURLTheHeartbeatReached(t *testing.T) {
	var s *session
	accepting := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != protocol.PathHeartbeat {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if _, err := s.client.DesiredState(r.Context()); err == nil { // fails, and moves the client
			t.Error("the desired state from the replica shutting down succeeded")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"connectivityStatus":"Connected"}`)
	}))
	t.Cleanup(accepting.Close)
	other := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	s = &session{client: clientStartingAt(t, accepting, other)}

	c := &Connector{Clientset: fake.NewClientset(), Log: logr.Discard()}
	obj := &arcv1alpha1.ArcConnection{}
	if err := c.heartbeat(t.Context(), obj, s); err != nil {
		t.Fatal(err)
	}
	if got := s.client.HubURL(); got != other.URL {
		t.Fatalf("the client uses %s after the heartbeat, want %s: the failover did not happen", got, other.URL)
	}
	if obj.Status.HubURL != accepting.URL {
		t.Errorf("status.hubURL = %s, want %s, which accepted the heartbeat", obj.Status.HubURL, accepting.URL)
	}
	want := "The hub accepted the last heartbeat at " + accepting.URL
	if cond := meta.FindStatusCondition(obj.Status.Conditions, arcv1alpha1.ConnectedCondition); cond == nil || cond.Message != want {
		t.Errorf("Connected = %+v, want the message %q", cond, want)
	}
}

// clientStartingAt is a client of the hub at first and then, failing over, second; both
// present httptest's certificate.
func clientStartingAt(t *testing.T, first, second *httptest.Server) *agentclient.Client {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	urls := []string{first.URL, second.URL}
	for range urls {
		hc, err := agentclient.New(agentclient.Options{
			HubURL: urls[0], HubURLs: urls[1:], Key: key,
			ClusterID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1",
			HubCAPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: first.Certificate().Raw}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if hc.HubURL() == first.URL {
			t.Cleanup(hc.Close)
			return hc
		}
		hc.Close()
		urls[0], urls[1] = urls[1], urls[0] // its cluster ID starts it at the other one
	}
	t.Fatalf("no order of %v starts the client at %s", urls, first.URL)
	return nil
}
