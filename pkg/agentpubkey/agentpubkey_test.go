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

package agentpubkey_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

func TestParse(t *testing.T) {
	rsa2048 := mustRSA(t, 2048)
	rsa1024 := mustRSA(t, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	pkix := func(pub crypto.PublicKey) string {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(der)
	}
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "RSA 2048", in: pkix(&rsa2048.PublicKey)},
		{name: "ECDSA P-256", in: pkix(mustEC(t).Public())},
		{name: "ECDSA P-384 with surrounding newline", in: pkix(p384.Public()) + "\n"},
		{name: "RSA 1024", in: pkix(&rsa1024.PublicKey), wantErr: "RSA key has 1024 bits, at least 2048 are needed"},
		{name: "ECDSA P-224", in: pkix(p224.Public()), wantErr: "curve P-224 is not supported"},
		{name: "Ed25519", in: pkix(edPub), wantErr: "key type ed25519.PublicKey is not supported"},
		{name: "PKCS#1 instead of PKIX", in: base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&rsa2048.PublicKey)),
			wantErr: "must be the base64 DER of a PKIX public key"},
		{name: "URL encoding", in: strings.NewReplacer("+", "-", "/", "_").Replace(pkix(&rsa2048.PublicKey)),
			wantErr: "must be the base64 DER of a PKIX public key"},
		{name: "empty", in: "", wantErr: "must be the base64 DER of a PKIX public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := agentpubkey.Parse(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("agentpubkey.Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("agentpubkey.Parse error = %v, want it to contain %q", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "agentPublicKeyCertificate") {
				t.Errorf("error %q does not name the agentPublicKeyCertificate property", err)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, pub := range []crypto.PublicKey{mustEC(t).Public(), &mustRSA(t, 2048).PublicKey} {
		enc := mustEncode(t, pub)
		got, err := agentpubkey.Parse(enc)
		if err != nil {
			t.Fatalf("agentpubkey.Parse(agentpubkey.Encode(%T)): %v", pub, err)
		}
		if !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Errorf("round trip changed the %T key", pub)
		}
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := agentpubkey.Encode(edPub); err == nil {
		t.Error("agentpubkey.Encode accepted an Ed25519 key")
	}
}

func mustRSA(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func mustEC(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func mustEncode(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	s, err := agentpubkey.Encode(pub)
	if err != nil {
		t.Fatalf("agentpubkey.Encode: %v", err)
	}
	return s
}
