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
// agentPublicKeyCertificate: the standard base64 of a DER public key, either a PKIX
// SubjectPublicKeyInfo (RSA or ECDSA) or a PKCS#1 RSAPublicKey, the form `az connectedk8s
// connect` sends. Accepted keys are RSA of 2048 to 8192 bits and ECDSA P-256/P-384: the keys
// that protected settings can be sealed to (pkg/seal). Every reader of the key, in the hub,
// arcctl and the agent, goes through Parse or Check.
package agentpubkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// MinRSABits and MaxRSABits bound the size of an RSA agent key (az sends 4096 bits).
const (
	MinRSABits = 2048
	MaxRSABits = 8192
)

// supported names the accepted keys in messages.
var supported = fmt.Sprintf("use RSA (%d to %d bits) or ECDSA P-256/P-384", MinRSABits, MaxRSABits)

// errFormat is the answer to bytes that are not a DER public key in either accepted form.
var errFormat = errors.New("agentPublicKeyCertificate must be the base64 DER of a public key: " +
	"a PKIX SubjectPublicKeyInfo (RSA or ECDSA) or a PKCS#1 RSAPublicKey (as az connectedk8s sends)")

// Parse parses a connectedCluster's agentPublicKeyCertificate: the standard base64 of the
// DER PKIX SubjectPublicKeyInfo or PKCS#1 RSAPublicKey of a key that Check accepts.
func Parse(b64 string) (crypto.PublicKey, error) {
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("%w; it is not standard base64: %w", errFormat, err)
	}
	pub, err := parseDER(der)
	if err != nil {
		return nil, err
	}
	if err := Check(pub); err != nil {
		return nil, fmt.Errorf("agentPublicKeyCertificate: %w", err)
	}
	return pub, nil
}

// parseDER reads a PKIX SubjectPublicKeyInfo, else a PKCS#1 RSAPublicKey. The parsers'
// own errors are left out: each names the other format as the remedy.
func parseDER(der []byte) (crypto.PublicKey, error) {
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		return pub, nil
	}
	if pub, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return pub, nil
	}
	return nil, errFormat
}

// Encode encodes an agent's public key as a connectedCluster's agentPublicKeyCertificate,
// in the PKIX form; Parse is its inverse.
func Encode(pub crypto.PublicKey) (string, error) {
	if err := Check(pub); err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode agent public key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// Check reports whether pub can be an agent key: an RSA key of MinRSABits or more, or an
// ECDSA P-256/P-384 key. Its error says which keys work.
func Check(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return checkRSA(k)
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return fmt.Errorf("ECDSA key on curve %s is not supported; %s", k.Curve.Params().Name, supported)
		}
		return nil
	case ed25519.PublicKey:
		return fmt.Errorf("an Ed25519 key is not supported, as protected settings cannot be sealed to it; %s", supported)
	default:
		return fmt.Errorf("key type %T is not supported; %s", pub, supported)
	}
}

// checkRSA refuses what crypto/rsa would refuse when sealing, so a bad key fails at the PUT.
func checkRSA(k *rsa.PublicKey) error {
	switch {
	case k.N.BitLen() < MinRSABits:
		return fmt.Errorf("RSA key has %d bits, at least %d are needed", k.N.BitLen(), MinRSABits)
	case k.N.BitLen() > MaxRSABits:
		// Sealing costs grow with the square of the size: a huge key would tie up the hub.
		return fmt.Errorf("RSA key has %d bits, at most %d are supported", k.N.BitLen(), MaxRSABits)
	case k.N.Bit(0) == 0:
		return errors.New("RSA key has an even modulus")
	case k.E < 3 || k.E%2 == 0:
		return fmt.Errorf("RSA key has the public exponent %d; it must be odd and at least 3 (usually 65537)", k.E)
	}
	return nil
}
