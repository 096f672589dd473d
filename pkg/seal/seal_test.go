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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

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
