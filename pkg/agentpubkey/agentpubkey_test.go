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
	"math/big"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/agentpubkey/agentpubkeytest"
)

const (
	wantFormat = "must be the base64 DER of a public key: a PKIX SubjectPublicKeyInfo (RSA or ECDSA) or a PKCS#1 RSAPublicKey"
	wantTypes  = "use RSA (2048 to 8192 bits) or ECDSA P-256/P-384"
)

func TestParse(t *testing.T) {
	rsa4096, azPublic := agentpubkeytest.NewAzureCLIKey(t)
	rsa2048 := mustRSA(t, 2048)
	rsa1024 := mustRSA(t, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	evenExponent := &rsa.PublicKey{N: rsa2048.N, E: 65536}
	// A modulus far beyond any real key would make every seal take minutes.
	huge := &rsa.PublicKey{N: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 65535), big.NewInt(1)), E: 65537}
	tests := []struct {
		name    string
		in      string
		want    crypto.PublicKey
		wantErr string
	}{
		{name: "PKCS#1 RSA 4096, as az connectedk8s sends", in: azPublic, want: &rsa4096.PublicKey},
		{name: "PKCS#1 RSA 2048", in: pkcs1(&rsa2048.PublicKey), want: &rsa2048.PublicKey},
		{name: "PKIX RSA 2048", in: pkix(t, &rsa2048.PublicKey), want: &rsa2048.PublicKey},
		{name: "PKIX RSA 4096", in: pkix(t, &rsa4096.PublicKey), want: &rsa4096.PublicKey},
		{name: "PKIX ECDSA P-256", in: pkix(t, mustEC(t).Public())},
		{name: "PKIX ECDSA P-384 with surrounding newline", in: pkix(t, p384.Public()) + "\n", want: p384.Public()},
		{name: "PKCS#1 RSA 1024", in: pkcs1(&rsa1024.PublicKey), wantErr: "RSA key has 1024 bits, at least 2048 are needed"},
		{name: "PKIX RSA 1024", in: pkix(t, &rsa1024.PublicKey), wantErr: "RSA key has 1024 bits, at least 2048 are needed"},
		{name: "RSA of 65536 bits", in: pkcs1(huge), wantErr: "RSA key has 65536 bits, at most 8192 are supported"},
		{name: "RSA with an even exponent", in: pkcs1(evenExponent), wantErr: "public exponent 65536; it must be odd"},
		{name: "ECDSA P-224", in: pkix(t, p224.Public()), wantErr: "curve P-224 is not supported; " + wantTypes},
		{name: "Ed25519", in: pkix(t, edPub), wantErr: "Ed25519 key is not supported, as protected settings cannot be sealed to it; " + wantTypes},
		{name: "truncated PKCS#1", in: truncated(x509.MarshalPKCS1PublicKey(&rsa4096.PublicKey)), wantErr: wantFormat},
		{name: "truncated PKIX", in: truncated(mustPKIX(t, p384.Public())), wantErr: wantFormat},
		{name: "a PKCS#1 private key", in: base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PrivateKey(rsa2048)), wantErr: wantFormat},
		{name: "garbage", in: base64.StdEncoding.EncodeToString([]byte("not a key at all")), wantErr: wantFormat},
		{name: "a PEM block", in: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", wantErr: "it is not standard base64"},
		{name: "URL encoding", in: strings.NewReplacer("+", "-", "/", "_").Replace(pkix(t, &rsa2048.PublicKey) + "+/"), wantErr: "it is not standard base64"},
		{name: "empty", in: "", wantErr: wantFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := agentpubkey.Parse(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("agentpubkey.Parse: %v", err)
				}
				if tt.want != nil && !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(tt.want) {
					t.Errorf("agentpubkey.Parse gave another key than the one encoded")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("agentpubkey.Parse error = %v, want it to contain %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "agentPublicKeyCertificate") {
				t.Errorf("error %q does not name the agentPublicKeyCertificate property", err)
			}
			if strings.Contains(err.Error(), "x509:") {
				t.Errorf("error %q passes on Go's parser message, which names the other parser as the remedy", err)
			}
		})
	}
}

// A key registered in PKCS#1 is the same key as in PKIX: a CSR or certificate carrying it
// (PKIX) matches the registration.
func TestPKCS1AndPKIXAreTheSameKey(t *testing.T) {
	key := mustRSA(t, 2048)
	fromPKCS1, err := agentpubkey.Parse(pkcs1(&key.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if enc := mustEncode(t, fromPKCS1); enc != pkix(t, &key.PublicKey) {
		t.Errorf("Encode(Parse(PKCS#1)) = %s, want the key's PKIX encoding", enc)
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
	if _, err := agentpubkey.Encode(edPub); err == nil || !strings.Contains(err.Error(), wantTypes) {
		t.Errorf("agentpubkey.Encode of an Ed25519 key: %v, want an error saying %q", err, wantTypes)
	}
}

func pkcs1(pub *rsa.PublicKey) string {
	return base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(pub))
}

func pkix(t *testing.T, pub crypto.PublicKey) string {
	return base64.StdEncoding.EncodeToString(mustPKIX(t, pub))
}

func mustPKIX(t *testing.T, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// truncated is der without its last 10 bytes, base64-encoded.
func truncated(der []byte) string { return base64.StdEncoding.EncodeToString(der[:len(der)-10]) }

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
