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

// Package replica is what lets several hub replicas share one store: each replica's
// identity, the mutual TLS with which replicas call each other (client certificates from the
// hub CA naming the replica), and the election of one leader for fleet-wide background work.
// docs/replicas.md describes the whole.
package replica

import (
	"crypto/tls"
	"net/http"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/pki"
)

// certLifetime is the lifetime of a replica's client certificate; it is reissued, in
// memory, after two thirds of it.
const certLifetime = 24 * time.Hour

// PeerTransport returns the HTTP transport with which replica id calls the other replicas:
// it trusts only the hub CA and presents a client certificate the CA issues for id. It
// speaks HTTP/1.1, which relays upgrades (exec, port-forward) as they are.
func PeerTransport(a *pki.Authority, id string, now func() time.Time) *http.Transport {
	certs := &certSource{authority: a, id: id, now: now}
	return &http.Transport{
		TLSClientConfig: &tls.Config{
			MinVersion:           tls.VersionTLS12,
			RootCAs:              a.CAPool(),
			GetClientCertificate: certs.get,
			Time:                 now,
		},
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		// The relayed API server's encoding is the client's business.
		DisableCompression: true,
	}
}

// certSource issues the replica's client certificate and reissues it before it expires.
type certSource struct {
	authority *pki.Authority
	id        string
	now       func() time.Time

	mu      sync.Mutex
	cert    *tls.Certificate
	renewAt time.Time
}

func (c *certSource) get(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.cert != nil && now.Before(c.renewAt) {
		return c.cert, nil
	}
	cert, err := c.authority.IssueReplicaCertificate(c.id, certLifetime, now)
	if err != nil {
		return nil, err
	}
	c.cert, c.renewAt = &cert, now.Add(certLifetime*2/3)
	return c.cert, nil
}
