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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// defaultHosts are always in the serving certificate, for local clients and probes.
var defaultHosts = []string{"localhost", "127.0.0.1", "::1"}

// subjectAltNames are the names a serving certificate must carry.
type subjectAltNames struct {
	dnsNames []string
	ips      []net.IP
}

// parseHosts sorts hosts (plus the defaults) into DNS names and IP addresses.
func parseHosts(hosts []string) (subjectAltNames, error) {
	var sans subjectAltNames
	for _, h := range append(slices.Clone(hosts), defaultHosts...) {
		h = strings.TrimSpace(h)
		if h == "" {
			return subjectAltNames{}, fmt.Errorf("serving certificate hosts must not be empty: %q", hosts)
		}
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(sans.ips, ip.Equal) {
				sans.ips = append(sans.ips, ip)
			}
			continue
		}
		if strings.ContainsAny(h, ":/ ") {
			return subjectAltNames{}, fmt.Errorf("serving certificate host %q must be a DNS name or an IP address, without port or scheme", h)
		}
		h = strings.ToLower(h)
		if !slices.Contains(sans.dnsNames, h) {
			sans.dnsNames = append(sans.dnsNames, h)
		}
	}
	return sans, nil
}

// coveredBy reports whether cert carries every name of sans.
func (s subjectAltNames) coveredBy(cert *x509.Certificate) bool {
	for _, name := range s.dnsNames {
		if !slices.ContainsFunc(cert.DNSNames, func(n string) bool { return strings.EqualFold(n, name) }) {
			return false
		}
	}
	for _, ip := range s.ips {
		if !slices.ContainsFunc(cert.IPAddresses, ip.Equal) {
			return false
		}
	}
	return true
}

// loadOrIssueServing returns the serving certificate on disk, or issues a new one when it is
// missing, unreadable, not signed by the CA, lacks a name or expires within 30 days: the
// serving certificate holds nothing that cannot be recreated.
func (a *Authority) loadOrIssueServing(dir string, sans subjectAltNames, now time.Time) (tls.Certificate, error) {
	certPath, keyPath := filepath.Join(dir, servingCertFile), filepath.Join(dir, servingKeyFile)
	pair, err := readPair(certPath, keyPath)
	if err == nil && a.servingValid(pair.Leaf, sans, now) {
		return pair, nil
	}
	return a.issueServing(certPath, keyPath, sans, now)
}

func (a *Authority) servingValid(cert *x509.Certificate, sans subjectAltNames, now time.Time) bool {
	return cert != nil &&
		cert.CheckSignatureFrom(a.ca) == nil &&
		now.Add(servingRenewBefore).Before(cert.NotAfter) &&
		sans.coveredBy(cert)
}

func (a *Authority) issueServing(certPath, keyPath string, sans subjectAltNames, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate serving key: %w", err)
	}
	cert, err := a.sign(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "kubearc hub"},
		NotBefore:   now.Add(-backdate),
		NotAfter:    now.Add(servingLifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    sans.dnsNames,
		IPAddresses: sans.ips,
	}, key.Public())
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue serving certificate: %w", err)
	}
	if err := writePair(certPath, keyPath, cert.Raw, key); err != nil {
		return tls.Certificate{}, fmt.Errorf("write serving certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}, nil
}
