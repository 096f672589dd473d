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

// Package pki is the hub's certificate authority. It keeps a CA and the hub's serving
// certificate in the hub's data directory, and issues agents short-lived client certificates
// from certificate signing requests signed with the agent's own key.
//
// An agent's client certificate names its connectedCluster in a URI SAN,
// kubearc:///subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Kubernetes/connectedClusters/{n}
// (see ClusterURI), and carries the key registered as the cluster's agentPublicKeyCertificate.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// Lifetimes of the hub's own certificates.
const (
	caLifetime      = 10 * 365 * 24 * time.Hour
	servingLifetime = 365 * 24 * time.Hour
	// servingRenewBefore is how long before expiry the serving certificate is reissued.
	servingRenewBefore = 30 * 24 * time.Hour
	// backdate tolerates clocks of peers that run slightly behind.
	backdate = time.Minute
)

// Authority is the hub's CA with its serving certificate. It is safe for concurrent use.
type Authority struct {
	ca      *x509.Certificate
	caKey   crypto.Signer
	caPEM   []byte
	serving tls.Certificate
}

// LoadOrCreate loads the CA and serving certificate from dir, creating them on first start.
// The serving certificate is reissued when it lacks one of hosts (or localhost, 127.0.0.1,
// ::1) or expires within 30 days. The CA is never replaced: agents and users trust it.
func LoadOrCreate(dir string, hosts []string) (*Authority, error) {
	return loadOrCreate(dir, hosts, time.Now())
}

func loadOrCreate(dir string, hosts []string, now time.Time) (*Authority, error) {
	sans, err := parseHosts(hosts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	a, err := loadOrCreateCA(dir, now)
	if err != nil {
		return nil, err
	}
	if a.serving, err = a.loadOrIssueServing(dir, sans, now); err != nil {
		return nil, err
	}
	return a, nil
}

// ServingCertificate returns the hub's TLS serving certificate, chained to the CA.
func (a *Authority) ServingCertificate() tls.Certificate { return a.serving }

// CAPool returns a new pool holding the CA, to verify agents' client certificates.
func (a *Authority) CAPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(a.ca)
	return pool
}

// CAPEM returns the CA certificate in PEM, for agents and users to trust the hub.
func (a *Authority) CAPEM() []byte { return append([]byte(nil), a.caPEM...) }

func loadOrCreateCA(dir string, now time.Time) (*Authority, error) {
	certPath, keyPath := filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile)
	pair, err := readPair(certPath, keyPath)
	if errors.Is(err, os.ErrNotExist) {
		return createCA(certPath, keyPath, now)
	}
	if err != nil {
		return nil, fmt.Errorf("load hub CA: %w", err)
	}
	return authorityFromPair(pair)
}

func authorityFromPair(pair tls.Certificate) (*Authority, error) {
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok || pair.Leaf == nil || !pair.Leaf.IsCA {
		return nil, errors.New("load hub CA: ca.crt is not a CA certificate with a signing key")
	}
	return &Authority{ca: pair.Leaf, caKey: signer, caPEM: encodeCertPEM(pair.Leaf.Raw)}, nil
}

func createCA(certPath, keyPath string, now time.Time) (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "kubearc hub CA"},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	if err := writePair(certPath, keyPath, der, key); err != nil {
		return nil, fmt.Errorf("write hub CA: %w", err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse new CA certificate: %w", err)
	}
	return &Authority{ca: ca, caKey: key, caPEM: encodeCertPEM(der)}, nil
}

// newSerial returns a random 128-bit serial number.
func newSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("generate serial number: %w", err)
	}
	return serial, nil
}

// sign issues a certificate for pub from tmpl, signed by the CA.
func (a *Authority) sign(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.BasicConstraintsValid = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.ca, pub, a.caKey)
	if err != nil {
		return nil, fmt.Errorf("sign certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse issued certificate: %w", err)
	}
	return cert, nil
}
