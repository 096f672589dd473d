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

package seal_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/agentpubkey/agentpubkeytest"
	"github.com/kubearc/kubearc/pkg/seal"
)

func agentKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestForAgentRoundTripAndOnlyThatAgent(t *testing.T) {
	mine, other := agentKey(t), agentKey(t)
	token, err := seal.ForAgent(&mine.PublicKey, []byte(`{"password":"canary-123"}`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(token, "canary-123") {
		t.Fatalf("the token shows the plaintext: %s", token)
	}
	got, err := seal.OpenAgent(mine, token)
	if err != nil || string(got) != `{"password":"canary-123"}` {
		t.Fatalf("OpenAgent = %q, %v", got, err)
	}
	if _, err := seal.OpenAgent(other, token); err == nil {
		t.Fatal("another cluster's key opened the token")
	}
}

func TestWithKeyRoundTripAndWrongKey(t *testing.T) {
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	token, err := seal.WithKey(key, []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := seal.OpenWithKey(key, token); err != nil || string(got) != "s3cret" {
		t.Fatalf("OpenWithKey = %q, %v", got, err)
	}
	other, _ := seal.NewKey()
	if _, err := seal.OpenWithKey(other, token); err == nil {
		t.Fatal("a different data key opened the token")
	}
	if _, err := seal.WithKey([]byte("short"), nil); err == nil {
		t.Fatal("a short key was accepted")
	}
}

func TestForAgentRSA(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	token, err := seal.ForAgent(&k.PublicKey, []byte("rsa-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := seal.OpenAgent(k, token); err != nil || string(got) != "rsa-secret" {
		t.Fatalf("OpenAgent = %q, %v", got, err)
	}
}

func TestOpenRejectsOtherAlgorithmsAndGarbage(t *testing.T) {
	key, _ := seal.NewKey()
	direct, _ := seal.WithKey(key, []byte("x"))
	if _, err := seal.OpenAgent(agentKey(t), direct); err == nil {
		t.Fatal("OpenAgent accepted a dir token")
	}
	if _, err := seal.OpenWithKey(key, "not-a-jwe"); err == nil {
		t.Fatal("garbage accepted")
	}
}

// The key `az connectedk8s connect` registers (PKCS#1, 4096 bits), as the hub reads it, is
// sealed to with RSA-OAEP-256 and A256GCM, and only that key opens the token.
func TestForAgentAzureCLIKey(t *testing.T) {
	key, public := agentpubkeytest.NewAzureCLIKey(t)
	pub, err := agentpubkey.Parse(public)
	if err != nil {
		t.Fatal(err)
	}
	token, err := seal.ForAgent(pub, []byte("az-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if alg, enc := header(t, token); alg != "RSA-OAEP-256" || enc != "A256GCM" {
		t.Errorf("token header alg=%q enc=%q, want RSA-OAEP-256 and A256GCM", alg, enc)
	}
	if got, err := seal.OpenAgent(key, token); err != nil || string(got) != "az-secret" {
		t.Fatalf("OpenAgent = %q, %v", got, err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]crypto.Signer{"another RSA key": other, "an ECDSA key": agentKey(t)} {
		if _, err := seal.OpenAgent(k, token); err == nil {
			t.Errorf("%s opened the token", name)
		}
	}
}

func TestForAgentRefusesEd25519(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seal.ForAgent(pub, []byte("x")); err == nil || !strings.Contains(err.Error(), "ed25519") {
		t.Errorf("ForAgent(Ed25519) = %v, want an error naming the key type", err)
	}
}

// header returns the alg and enc of a JWE compact token's protected header.
func header(t *testing.T, token string) (alg, enc string) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.SplitN(token, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Alg, Enc string }
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h.Alg, h.Enc
}
