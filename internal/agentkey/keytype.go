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

package agentkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// KeyType is the algorithm of a new agent key.
type KeyType string

const (
	// ECDSA is a P-256 key, the default: small and quick to make.
	ECDSA KeyType = "ecdsa"
	// RSA is a key of RSABits, the kind `az connectedk8s connect` generates.
	RSA KeyType = "rsa"
)

// RSABits is the size of a new RSA agent key.
const RSABits = 4096

// ParseKeyType reads a key type as a flag or a value names it ("ecdsa" or "rsa").
func ParseKeyType(s string) (KeyType, error) {
	switch t := KeyType(strings.ToLower(strings.TrimSpace(s))); t {
	case ECDSA, RSA:
		return t, nil
	default:
		return "", fmt.Errorf("agent key type %q is not supported: use %s or %s", s, ECDSA, RSA)
	}
}

// generate makes a new private key of type t, as PEM PKCS#8.
func (t KeyType) generate() ([]byte, error) {
	var key crypto.Signer
	var err error
	switch t {
	case ECDSA:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RSA:
		key, err = rsa.GenerateKey(rand.Reader, RSABits)
	default:
		return nil, fmt.Errorf("agent key type %q is not supported: use %s or %s", t, ECDSA, RSA)
	}
	if err != nil {
		return nil, fmt.Errorf("generating the %s agent key: %w", t, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the agent key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
