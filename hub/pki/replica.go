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
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// ReplicaURIScheme is the scheme of the URI SAN that names a hub replica in its client
// certificate, kubearc-replica:///{replica ID}. Agents' certificates name a cluster with
// the scheme kubearc instead, so neither can pass for the other.
const ReplicaURIScheme = "kubearc-replica"

// validReplicaID: letters, digits, '.', '_' and '-', as in a host or pod name.
var validReplicaID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// CheckReplicaID returns an error saying what a replica ID may hold when id is not one.
func CheckReplicaID(id string) error {
	if !validReplicaID.MatchString(id) {
		return fmt.Errorf("replica ID %q must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit", id)
	}
	return nil
}

// IssueReplicaCertificate issues, for a key it generates, the client certificate with
// which hub replica id calls the other replicas, valid from now-1m to now+lifetime (at most
// until the CA expires). The key never leaves the process.
func (a *Authority) IssueReplicaCertificate(id string, lifetime time.Duration, now time.Time) (tls.Certificate, error) {
	if err := CheckReplicaID(id); err != nil {
		return tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate replica key: %w", err)
	}
	notAfter := now.Add(lifetime)
	if notAfter.After(a.ca.NotAfter) {
		notAfter = a.ca.NotAfter
	}
	cert, err := a.sign(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "kubearc hub replica " + id},
		NotBefore:   now.Add(-backdate),
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		URIs:        []*url.URL{{Scheme: ReplicaURIScheme, Path: "/" + id}},
	}, key.Public())
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue replica certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}, nil
}

// ReplicaOf verifies that chain (leaf first) is a replica's client certificate this hub's CA
// issued, valid at now, and returns the replica's ID.
func (a *Authority) ReplicaOf(chain []*x509.Certificate, now time.Time) (string, error) {
	if err := a.VerifyClientChain(chain, now); err != nil {
		return "", err
	}
	for _, u := range chain[0].URIs {
		if u.Scheme != ReplicaURIScheme {
			continue
		}
		id := u.Path[min(1, len(u.Path)):]
		if u.Host != "" || u.Opaque != "" || CheckReplicaID(id) != nil {
			return "", fmt.Errorf("client certificate URI %q does not name a replica", u)
		}
		return id, nil
	}
	return "", errors.New("the client certificate is not a hub replica's")
}
