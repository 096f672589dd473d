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

package main

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"

	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// oneHop is the floor under any relay: the agent's Forwarder alone behind one HTTPS server
// (HTTP/2, as the hub's), in front of the same API server, with no hub and no tunnel. The
// tunnel adds a second such hop (the hub) and the tunnel between the two.
type oneHop struct {
	target
	server *httptest.Server
}

func (h *oneHop) stop() { h.server.Close() }

func startOneHop(cfg *rest.Config) (*oneHop, error) {
	forwarder, err := tunnel.NewForwarder(cfg, logr.Discard())
	if err != nil {
		return nil, err
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(protocol.HeaderRemoteUser, "kubearc:token:bench")
		forwarder.ServeHTTP(w, r)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	client, err := rest.HTTPClientFor(&rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{CAData: caPEM}})
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &oneHop{target: target{"one hop", client, srv.URL}, server: srv}, nil
}
