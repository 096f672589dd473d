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

// Package agentpubkeytest makes cluster agent keys for tests, as an agent generates its own
// or as the Azure CLI does.
package agentpubkeytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

// AzureCLIKeyBits is the size of the RSA key `az connectedk8s connect` generates.
const AzureCLIKeyBits = 4096

// TB is the part of testing.TB (or Ginkgo's GinkgoT()) that NewKey uses.
type TB interface {
	Helper()
	Fatal(args ...any)
}

// NewKey returns a new agent key and its public key as the hub knows it
// (agentPublicKeyCertificate); it fails the test when either cannot be made.
func NewKey(t TB) (*ecdsa.PrivateKey, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	public, err := agentpubkey.Encode(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, public
}

// NewAzureCLIKey returns a new RSA key of AzureCLIKeyBits and its agentPublicKeyCertificate
// as `az connectedk8s connect` sends it: the base64 DER of its PKCS#1 RSAPublicKey, not PKIX.
func NewAzureCLIKey(t TB) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, AzureCLIKeyBits)
	if err != nil {
		t.Fatal(err)
	}
	return key, base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&key.PublicKey))
}
