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

package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Errors of IssueAgentCertificate, for the agent API to answer 400 (ErrBadCSR) or 403.
var (
	// ErrBadCSR: the request is not a PEM certificate signing request.
	ErrBadCSR = errors.New("invalid certificate signing request")
	// ErrSignatureInvalid: the CSR's signature does not verify, so the agent has not proven
	// it holds the private key.
	ErrSignatureInvalid = errors.New("certificate signing request signature is invalid")
	// ErrKeyMismatch: the CSR's key is not the cluster's agentPublicKeyCertificate (or the
	// cluster has no usable key).
	ErrKeyMismatch = errors.New("certificate signing request key does not match the cluster's agentPublicKeyCertificate")
)

// maxCommonName is the X.520 upper bound of a common name.
const maxCommonName = 64

// IssueAgentCertificate issues a client certificate for the agent of clusterID from csrPEM.
// The CSR's signature proves the agent holds the private key, and its public key must be the
// cluster's agentPublicKeyCertificate. The certificate is valid from now-1m to now+lifetime
// (at most until the CA expires) and should be renewed after two thirds of its lifetime.
// An agent whose certificate expired simply registers again.
func (a *Authority) IssueAgentCertificate(csrPEM string, clusterID string, agentPublicKey string,
	lifetime time.Duration, now time.Time) (protocol.RegisterResponse, error) {
	if lifetime <= 0 {
		return protocol.RegisterResponse{}, fmt.Errorf("agent certificate lifetime must be positive, got %s", lifetime)
	}
	uri, err := ClusterURI(clusterID)
	if err != nil {
		return protocol.RegisterResponse{}, fmt.Errorf("issue agent certificate: %w", err)
	}
	csr, err := parseCSR(csrPEM)
	if err != nil {
		return protocol.RegisterResponse{}, err
	}
	if err := sameKey(csr.PublicKey, agentPublicKey); err != nil {
		return protocol.RegisterResponse{}, fmt.Errorf("%w: %w", ErrKeyMismatch, err)
	}
	notAfter := now.Add(lifetime)
	if notAfter.After(a.ca.NotAfter) {
		notAfter = a.ca.NotAfter
	}
	cert, err := a.sign(agentTemplate(uri, now.Add(-backdate), notAfter), csr.PublicKey)
	if err != nil {
		return protocol.RegisterResponse{}, fmt.Errorf("issue agent certificate: %w", err)
	}
	return protocol.RegisterResponse{
		Certificate:   string(encodeCertPEM(cert.Raw)),
		CACertificate: string(a.caPEM),
		NotAfter:      cert.NotAfter,
		RenewAfter:    renewAfter(now, notAfter),
	}, nil
}

// renewAfter is two thirds of the way from the issue time to notAfter. It is measured from
// the issue time, not from the backdated NotBefore, so that it falls after the issue time
// for every lifetime, however short.
func renewAfter(issued, notAfter time.Time) time.Time {
	return issued.Add(notAfter.Sub(issued) * 2 / 3)
}

// CheckCSR checks that csrPEM is a PEM certificate signing request whose signature verifies:
// an answer that does not depend on any cluster, so the agent API can give it before it
// looks a cluster up. It returns ErrBadCSR or ErrSignatureInvalid.
func CheckCSR(csrPEM string) error {
	_, err := parseCSR(csrPEM)
	return err
}

// VerifyClientChain checks that chain (leaf first) is a client certificate this hub's CA
// issued and that it is valid at now.
func (a *Authority) VerifyClientChain(chain []*x509.Certificate, now time.Time) error {
	if len(chain) == 0 {
		return errors.New("no client certificate")
	}
	intermediates := x509.NewCertPool()
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{Roots: a.CAPool(), Intermediates: intermediates,
		CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		return fmt.Errorf("verify client certificate: %w", err)
	}
	return nil
}

// parseCSR decodes a PEM CSR and checks its signature.
func parseCSR(csrPEM string) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode([]byte(csrPEM))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return nil, fmt.Errorf("%w: expected a PEM block of type CERTIFICATE REQUEST", ErrBadCSR)
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCSR, err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSignatureInvalid, err)
	}
	return csr, nil
}

// agentTemplate is an agent's client certificate: the cluster URI is its identity; the CSR's
// subject and extensions are ignored.
func agentTemplate(uri *url.URL, notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: commonName(uri.Path)},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		URIs:        []*url.URL{uri},
	}
}

// commonName is the ARM ID when it fits in a common name; a longer ID keeps its end, which
// holds the cluster's name, behind "...". The URI SAN, not the CN, is the identity.
func commonName(clusterID string) string {
	if len(clusterID) <= maxCommonName {
		return clusterID
	}
	return "..." + clusterID[len(clusterID)-(maxCommonName-3):]
}
