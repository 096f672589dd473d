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
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// scriptedHub answers every request with handler. It stands in for the hub only where the
// real one cannot be made to misbehave: foreign error pages and silent streams.
func scriptedHub(t *testing.T, handler http.HandlerFunc, edit ...func(*agentclient.Options)) *agentclient.Client {
	t.Helper()
	srv := httptest.NewTLSServer(handler)
	t.Cleanup(srv.Close)
	o := agentclient.Options{
		HubURL: srv.URL, ClusterID: clusterID("c1"), Key: newKey(t),
		HubCAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}),
	}
	for _, e := range edit {
		e(&o)
	}
	c, err := agentclient.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    agentclient.HubError
		wantMsg string
	}{
		{"hub error", http.StatusForbidden, `{"code":"ClusterCredentialRevoked","message":"register again"}`,
			agentclient.HubError{StatusCode: 403, Code: "ClusterCredentialRevoked", Message: "register again"},
			"POST /agent/v1/heartbeat: hub answered 403 Forbidden: ClusterCredentialRevoked: register again"},
		{"a proxy's error page", http.StatusBadGateway, "<html>upstream unreachable</html>\n",
			agentclient.HubError{StatusCode: 502, Message: "<html>upstream unreachable</html>"},
			"POST /agent/v1/heartbeat: hub answered 502 Bad Gateway: <html>upstream unreachable</html>"},
		{"no body", http.StatusServiceUnavailable, "",
			agentclient.HubError{StatusCode: 503}, "POST /agent/v1/heartbeat: hub answered 503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := scriptedHub(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := c.Heartbeat(context.Background(), protocol.Heartbeat{})
			var he *agentclient.HubError
			if !errors.As(err, &he) || *he != tt.want || err.Error() != tt.wantMsg {
				t.Fatalf("got %v (%+v), want %q", err, he, tt.wantMsg)
			}
		})
	}
}

func TestWatchEndsASilentStream(t *testing.T) {
	c := scriptedHub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"type":"BOOKMARK","resourceVersion":"7"}` + "\n"))
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done() // then nothing, as after a dead NAT mapping
	}, func(o *agentclient.Options) { o.WatchIdleTimeout = 300 * time.Millisecond })

	var events []protocol.WatchEvent
	err := c.Watch(context.Background(), "5", func(e protocol.WatchEvent) error {
		events = append(events, e)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "not even a bookmark") || len(events) != 1 || events[0].ResourceVersion != "7" {
		t.Fatalf("watch = %v after %+v, want an idle error after one bookmark", err, events)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	key := newKey(t)
	good := agentclient.Options{HubURL: "https://hub.example:8443", ClusterID: clusterID("c1"), Key: key}
	tests := []struct {
		name string
		edit func(*agentclient.Options)
	}{
		{"plain http hub", func(o *agentclient.Options) { o.HubURL = "http://hub.example" }},
		{"bad cluster ID", func(o *agentclient.Options) { o.ClusterID = "/subscriptions/x" }},
		{"no key", func(o *agentclient.Options) { o.Key = nil }},
		{"hub CA not PEM", func(o *agentclient.Options) { o.HubCAPEM = []byte("nope") }},
		{"proxy without scheme", func(o *agentclient.Options) { o.Proxy = &agentclient.ProxyConfig{URL: "proxy:3128"} }},
		{"https proxy CA not PEM", func(o *agentclient.Options) {
			o.Proxy = &agentclient.ProxyConfig{URL: "https://proxy:3128", CAPEM: []byte("nope")}
		}},
	}
	if _, err := agentclient.New(good); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			tt.edit(&o)
			if _, err := agentclient.New(o); err == nil {
				t.Error("New accepted the options")
			}
		})
	}
}
