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
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

func verifyClient(cert *x509.Certificate, a *Authority, at time.Time) error {
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:       a.CAPool(),
		CurrentTime: at,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	return err
}

func TestIssueAgentCertificate(t *testing.T) {
	a := newAuthority(t)
	key := newECKey(t)
	lifetime := 24 * time.Hour
	resp, err := a.IssueAgentCertificate(csrPEM(t, key), testClusterID, encodeKey(t, key.Public()), lifetime, testNow)
	if err != nil {
		t.Fatalf("IssueAgentCertificate: %v", err)
	}
	cert := parseCertPEM(t, resp.Certificate)
	if err := verifyClient(cert, a, testNow); err != nil {
		t.Errorf("client certificate does not verify against the CA: %v", err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: a.CAPool(), CurrentTime: testNow}); err == nil {
		t.Error("client certificate verified as a server certificate")
	}
	if resp.CACertificate != string(a.CAPEM()) {
		t.Error("response does not carry the CA certificate")
	}
	if !cert.NotBefore.Equal(testNow.Add(-time.Minute)) || !cert.NotAfter.Equal(testNow.Add(lifetime)) || !resp.NotAfter.Equal(cert.NotAfter) {
		t.Errorf("validity = %s..%s (response %s), want %s..%s", cert.NotBefore, cert.NotAfter, resp.NotAfter,
			testNow.Add(-time.Minute), testNow.Add(lifetime))
	}
	if want := testNow.Add(16 * time.Hour); !resp.RenewAfter.Equal(want) {
		t.Errorf("RenewAfter = %s, want %s", resp.RenewAfter, want)
	}
	if want := "...-1/providers/Microsoft.Kubernetes/connectedClusters/store-042"; cert.Subject.CommonName != want {
		t.Errorf("CN = %q, want %q", cert.Subject.CommonName, want)
	}
	if got, err := ClusterIDFromCertificate(cert); err != nil || got != testClusterID {
		t.Errorf("ClusterIDFromCertificate = %q, %v; want %q", got, err, testClusterID)
	}
	if len(cert.URIs) != 1 || cert.URIs[0].String() != "kubearc://"+testClusterID {
		t.Errorf("URI SANs = %v, want kubearc://%s", cert.URIs, testClusterID)
	}
}

// TestRenewAfterFallsWithinTheLifetime: renewAfter lies after the issue time and before
// notAfter for every lifetime, also those shorter than the certificate's one-minute backdate.
func TestRenewAfterFallsWithinTheLifetime(t *testing.T) {
	a := newAuthority(t)
	key := newECKey(t)
	for _, lifetime := range []time.Duration{time.Second, 30 * time.Second, 90 * time.Second, 3 * time.Minute, time.Hour} {
		resp, err := a.IssueAgentCertificate(csrPEM(t, key), testClusterID, encodeKey(t, key.Public()), lifetime, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.RenewAfter.After(testNow) || !resp.RenewAfter.Before(resp.NotAfter) {
			t.Errorf("lifetime %s: renewAfter %s is not between the issue time %s and notAfter %s",
				lifetime, resp.RenewAfter, testNow, resp.NotAfter)
		}
	}
}

func TestAgentCertificateExpiryAndReRegistration(t *testing.T) {
	a := newAuthority(t)
	key := newECKey(t)
	pub := encodeKey(t, key.Public())
	lifetime := time.Hour
	resp, err := a.IssueAgentCertificate(csrPEM(t, key), testClusterID, pub, lifetime, testNow)
	if err != nil {
		t.Fatal(err)
	}
	expired := parseCertPEM(t, resp.Certificate)
	later := testNow.Add(3 * lifetime)
	var invalid x509.CertificateInvalidError
	if err := verifyClient(expired, a, later); !errors.As(err, &invalid) || invalid.Reason != x509.Expired {
		t.Errorf("verify after NotAfter: error = %v, want an Expired error", err)
	}
	resp, err = a.IssueAgentCertificate(csrPEM(t, key), testClusterID, pub, lifetime, later)
	if err != nil {
		t.Fatalf("re-register after expiry: %v", err)
	}
	renewed := parseCertPEM(t, resp.Certificate)
	if err := verifyClient(renewed, a, later); err != nil {
		t.Errorf("renewed certificate does not verify: %v", err)
	}
	if !SameKey(renewed, pub) {
		t.Error("renewed certificate does not carry the agent's key")
	}
}

func TestAgentCertificateLimitedByCA(t *testing.T) {
	a := newAuthority(t)
	key := newECKey(t)
	resp, err := a.IssueAgentCertificate(csrPEM(t, key), testClusterID, encodeKey(t, key.Public()), 20*365*24*time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.NotAfter.Equal(a.ca.NotAfter) {
		t.Errorf("NotAfter = %s, want the CA's %s", resp.NotAfter, a.ca.NotAfter)
	}
	if !resp.RenewAfter.Before(resp.NotAfter) {
		t.Errorf("RenewAfter %s is not before NotAfter %s", resp.RenewAfter, resp.NotAfter)
	}
}

func TestIssueAgentCertificateErrors(t *testing.T) {
	a := newAuthority(t)
	key := newECKey(t)
	pub := encodeKey(t, key.Public())
	tampered := bytes.Replace(csrDER(t, key), []byte("agent-csr"), []byte("agent-csX"), 1)
	tests := []struct {
		name      string
		csr       string
		clusterID string
		pub       string
		lifetime  time.Duration
		wantIs    error
		wantErr   string
	}{
		{name: "not PEM", csr: "hello", wantIs: ErrBadCSR},
		{name: "PEM of another type", csr: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}})), wantIs: ErrBadCSR},
		{name: "garbage DER", csr: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1, 2, 3}})), wantIs: ErrBadCSR},
		{name: "tampered CSR", csr: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: tampered})), wantIs: ErrSignatureInvalid},
		{name: "CSR of another key", csr: csrPEM(t, newECKey(t)), wantIs: ErrKeyMismatch, wantErr: "presented key SHA256:"},
		{name: "cluster without usable key", pub: "not base64!", wantIs: ErrKeyMismatch, wantErr: "registered key is unusable"},
		{name: "bad cluster ID", clusterID: "/subscriptions/s", wantErr: "must look like"},
		{name: "zero lifetime", lifetime: -1, wantErr: "lifetime must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csr, id, key, lifetime := or(tt.csr, csrPEM(t, key)), or(tt.clusterID, testClusterID), or(tt.pub, pub), tt.lifetime
			if lifetime == 0 {
				lifetime = time.Hour
			}
			_, err := a.IssueAgentCertificate(csr, id, key, lifetime, testNow)
			if err == nil {
				t.Fatal("IssueAgentCertificate succeeded")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error = %v, want errors.Is %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func TestSameKey(t *testing.T) {
	a := newAuthority(t)
	key := newECKey(t)
	resp, err := a.IssueAgentCertificate(csrPEM(t, key), testClusterID, encodeKey(t, key.Public()), time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	cert := parseCertPEM(t, resp.Certificate)
	tests := []struct {
		name string
		pub  string
		want bool
	}{
		{name: "registered key", pub: encodeKey(t, key.Public()), want: true},
		{name: "rotated key", pub: encodeKey(t, newECKey(t).Public())},
		{name: "invalid key", pub: "AAAA"},
	}
	for _, tt := range tests {
		if got := SameKey(cert, tt.pub); got != tt.want {
			t.Errorf("%s: SameKey = %v, want %v", tt.name, got, tt.want)
		}
	}
	if SameKey(nil, encodeKey(t, key.Public())) {
		t.Error("SameKey(nil) = true")
	}
}
