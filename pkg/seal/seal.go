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

// Package seal encrypts secrets with JOSE (go-jose): for one cluster's agent key when the hub
// delivers protected settings (ECDH-ES+A256KW for an ECDSA key, RSA-OAEP-256 for an RSA key,
// both with A256GCM, so only the holder of the agent's private key can read them), and with
// the hub's own key at rest (dir, A256GCM). Tokens are JWE compact serializations. Agent keys
// are read by pkg/agentpubkey, which accepts exactly the keys sealed to here.
package seal

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// KeySize is the size of a hub data key in bytes.
const KeySize = 32

// errKeySize is returned for a data key of the wrong length.
var errKeySize = fmt.Errorf("seal: a data key must be %d bytes", KeySize)

// ForAgent encrypts plaintext so that only the holder of pub's private key can read it.
// pub is the agent's ECDSA (ECDH-ES+A256KW) or RSA (RSA-OAEP-256) public key.
func ForAgent(pub crypto.PublicKey, plaintext []byte) (string, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return encrypt(jose.Recipient{Algorithm: jose.ECDH_ES_A256KW, Key: k}, plaintext)
	case *rsa.PublicKey:
		return encrypt(jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: k}, plaintext)
	default:
		return "", fmt.Errorf("seal: cannot encrypt for a %T agent key", pub)
	}
}

// OpenAgent decrypts a token made by ForAgent with the agent's private key.
func OpenAgent(key crypto.Signer, token string) ([]byte, error) {
	switch key.(type) {
	case *ecdsa.PrivateKey:
		return decrypt(token, jose.ECDH_ES_A256KW, key)
	case *rsa.PrivateKey:
		return decrypt(token, jose.RSA_OAEP_256, key)
	default:
		return nil, fmt.Errorf("seal: cannot decrypt with a %T agent key", key)
	}
}

// NewKey returns a new random data key for WithKey.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("seal: generating a data key: %w", err)
	}
	return k, nil
}

// WithKey encrypts plaintext with a symmetric data key (the hub's key at rest).
func WithKey(key, plaintext []byte) (string, error) {
	if len(key) != KeySize {
		return "", errKeySize
	}
	return encrypt(jose.Recipient{Algorithm: jose.DIRECT, Key: key}, plaintext)
}

// OpenWithKey decrypts a token made by WithKey.
func OpenWithKey(key []byte, token string) ([]byte, error) {
	if len(key) != KeySize {
		return nil, errKeySize
	}
	return decrypt(token, jose.DIRECT, key)
}

func encrypt(to jose.Recipient, plaintext []byte) (string, error) {
	enc, err := jose.NewEncrypter(jose.A256GCM, to, nil)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	obj, err := enc.Encrypt(plaintext)
	if err != nil {
		return "", fmt.Errorf("seal: encrypting: %w", err)
	}
	return obj.CompactSerialize()
}

// decrypt accepts exactly one key algorithm and A256GCM, so a token cannot pick a weaker one.
func decrypt(token string, alg jose.KeyAlgorithm, key any) ([]byte, error) {
	obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{alg}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return nil, fmt.Errorf("seal: not a sealed token: %w", err)
	}
	out, err := obj.Decrypt(key)
	if err != nil {
		return nil, errors.New("seal: the token was not sealed for this key")
	}
	return out, nil
}
