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
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

// SameKey reports whether cert carries the public key registered as agentPublicKey, so the
// hub can refuse a certificate whose cluster was re-created or whose key was rotated.
func SameKey(cert *x509.Certificate, agentPublicKey string) bool {
	if cert == nil {
		return false
	}
	return sameKey(cert.PublicKey, agentPublicKey) == nil
}

// sameKey compares pub with the registered key by their PKIX DER encodings.
func sameKey(pub crypto.PublicKey, agentPublicKey string) error {
	registered, err := agentpubkey.Parse(agentPublicKey)
	if err != nil {
		return fmt.Errorf("the cluster's registered key is unusable: %w", err)
	}
	want, err := x509.MarshalPKIXPublicKey(registered)
	if err != nil {
		return fmt.Errorf("encode registered key: %w", err)
	}
	got, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return fmt.Errorf("encode presented key: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("presented key %s, registered key %s", fingerprint(got), fingerprint(want))
	}
	return nil
}

// fingerprint names a public key in messages, in the style of OpenSSH: SHA256:base64.
func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}
