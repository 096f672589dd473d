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

package agentclient

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// certificate is the agent's current client certificate.
type certificate struct {
	pem  []byte
	tls  *tls.Certificate
	leaf *x509.Certificate
}

// renewAfter is two thirds into the certificate's lifetime, as the hub advises.
func (c *certificate) renewAfter() time.Time {
	lifetime := c.leaf.NotAfter.Sub(c.leaf.NotBefore)
	return c.leaf.NotBefore.Add(lifetime * 2 / 3)
}

// SetCertificate makes certPEM, a certificate the hub issued earlier (e.g. kept in the
// agent's Secret), the client certificate. It must be for the client's key.
func (c *Client) SetCertificate(certPEM []byte) error {
	cert, err := c.parseCertificate(certPEM)
	if err != nil {
		return err
	}
	c.useCertificate(cert)
	return nil
}

// Certificate returns the current client certificate and its expiry; ok is false before
// Register or SetCertificate.
func (c *Client) Certificate() (certPEM []byte, notAfter time.Time, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cert == nil {
		return nil, time.Time{}, false
	}
	return append([]byte(nil), c.cert.pem...), c.cert.leaf.NotAfter, true
}

// NeedsRegistration reports whether the agent should call Register at now: it has no
// certificate, or the certificate is past two thirds of its lifetime, or expired.
func (c *Client) NeedsRegistration(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert == nil || !now.Before(c.cert.renewAfter()) || !now.Before(c.cert.leaf.NotAfter)
}

// parseCertificate decodes a PEM certificate and checks that it certifies the client's key.
func (c *Client) parseCertificate(certPEM []byte) (*certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("hub client: the client certificate is not a PEM CERTIFICATE")
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("hub client: parsing the client certificate: %w", err)
	}
	pub, ok := c.key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return nil, errors.New("hub client: the client certificate is not for the agent's key; register again")
	}
	return &certificate{
		pem:  pem.EncodeToMemory(block),
		tls:  &tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: c.key, Leaf: leaf},
		leaf: leaf,
	}, nil
}

// useCertificate makes cert the client certificate: later requests go through a new
// transport presenting it, and the previous transport's connections are closed, watch
// streams included (they end with an error, and the Mirror reconnects with cert).
func (c *Client) useCertificate(cert *certificate) {
	next := c.build.agent(cert)
	c.mu.Lock()
	c.cert = cert
	prev := c.agent
	c.agent = next
	c.mu.Unlock()
	prev.close()
}

// agentClient returns the HTTP client presenting the current certificate.
func (c *Client) agentClient() *http.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.agent.client
}
