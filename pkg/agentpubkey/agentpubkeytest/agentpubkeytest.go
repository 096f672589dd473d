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

// Package agentpubkeytest makes cluster agent keys for tests, as an agent generates its own.
package agentpubkeytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

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
