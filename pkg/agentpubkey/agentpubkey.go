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

// Package agentpubkey encodes and parses an agent's public key as a connectedCluster's
// agentPublicKeyCertificate: the standard base64 of the DER SubjectPublicKeyInfo (PKIX) of an
// RSA (2048 bits or more) or ECDSA P-256/P-384 key. The hub parses it, arcctl encodes it.
package agentpubkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// minRSABits is the smallest RSA agent key accepted.
const minRSABits = 2048

// Parse parses a connectedCluster's agentPublicKeyCertificate: the standard
// base64 of the DER SubjectPublicKeyInfo (PKIX) of an RSA (2048 bits or more) or ECDSA
// P-256/P-384 public key.
func Parse(b64 string) (crypto.PublicKey, error) {
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("agentPublicKeyCertificate must be the base64 DER of a PKIX public key: %w", err)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("agentPublicKeyCertificate must be the base64 DER of a PKIX public key: %w", err)
	}
	if err := checkAgentKey(pub); err != nil {
		return nil, fmt.Errorf("agentPublicKeyCertificate: %w", err)
	}
	return pub, nil
}

// Encode encodes an agent's public key as a connectedCluster's
// agentPublicKeyCertificate; Parse is its inverse.
func Encode(pub crypto.PublicKey) (string, error) {
	if err := checkAgentKey(pub); err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode agent public key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}
func checkAgentKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return fmt.Errorf("RSA key has %d bits, at least %d are needed", k.N.BitLen(), minRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return fmt.Errorf("ECDSA key on curve %s is not supported; use P-256 or P-384", k.Curve.Params().Name)
		}
		return nil
	default:
		return fmt.Errorf("key type %T is not supported; use RSA (%d bits or more) or ECDSA P-256/P-384", pub, minRSABits)
	}
}
