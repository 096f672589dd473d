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
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net/http"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Register proves possession of the agent key with a CSR signed by it and obtains a client
// certificate, which every later call presents. It serves the first registration, renewals
// and recovery from an expired or revoked certificate alike. The request carries no client
// certificate, since an expired one would fail the TLS handshake.
//
// Errors: a *HubError with 403 (the key is not the cluster's agentPublicKeyCertificate),
// 404 (no such cluster on the hub) or 400.
func (c *Client) Register(ctx context.Context) (protocol.RegisterResponse, error) {
	csr, err := c.csr()
	if err != nil {
		return protocol.RegisterResponse{}, err
	}
	var resp protocol.RegisterResponse
	req := protocol.RegisterRequest{ResourceID: c.clusterID, CSR: csr}
	err = c.call(ctx, c.register, http.MethodPost, protocol.PathRegister, req, &resp)
	// The registration connection is not needed again until the next renewal.
	c.register.CloseIdleConnections()
	if err != nil {
		return protocol.RegisterResponse{}, err
	}
	cert, err := c.parseCertificate([]byte(resp.Certificate))
	if err != nil {
		return protocol.RegisterResponse{}, fmt.Errorf("the hub's registration answer: %w", err)
	}
	c.useCertificate(cert)
	return resp, nil
}

// csr is a PEM certificate signing request signed with the agent key. The hub takes only its
// key and signature into account; the subject is informative.
func (c *Client) csr() (string, error) {
	tmpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: "kubearc-agent"}}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, c.key)
	if err != nil {
		return "", fmt.Errorf("hub client: signing the registration CSR with the agent key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})), nil
}
