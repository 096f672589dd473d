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

package agentkey_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/localcluster"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

// k8s is a client of a real API server, where the Secret lives.
var k8s client.Client

func TestMain(m *testing.M) {
	env, cfg, err := localcluster.Start()
	if err != nil {
		panic(err)
	}
	k8s, err = client.New(cfg, client.Options{Scheme: clientgoscheme.Scheme})
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// secretRef is a Secret in a namespace of its own for one test.
func secretRef(t *testing.T) client.ObjectKey {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "agentkey-"}}
	if err := k8s.Create(t.Context(), ns); err != nil {
		t.Fatal(err)
	}
	return client.ObjectKey{Namespace: ns.Name, Name: "kubearc-agent-key"}
}

func TestEnsureMakesAnECDSAKeyAndKeepsIt(t *testing.T) {
	ref := secretRef(t)
	first, err := agentkey.Ensure(t.Context(), k8s, ref)
	if err != nil {
		t.Fatal(err)
	}
	if first.Type() != agentkey.ECDSA {
		t.Errorf("a new agent key is %T, want ECDSA", first.Key)
	}
	again, err := agentkey.Ensure(t.Context(), k8s, ref)
	if err != nil || !again.Key.Equal(first.Key) {
		t.Errorf("Ensure again = %v, want the stored key", err)
	}
}

// An RSA key asked for on a cluster connected with ECDSA replaces the key and drops the
// certificate issued for it; the agent (Ensure) then reads the RSA key.
func TestEnsureTypeRSA(t *testing.T) {
	ref := secretRef(t)
	ecdsaID, err := agentkey.Ensure(t.Context(), k8s, ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := agentkey.SaveCertificate(t.Context(), k8s, ref, []byte("issued for the ECDSA key")); err != nil {
		t.Fatal(err)
	}
	rsaID, replaced, err := agentkey.EnsureType(t.Context(), k8s, ref, agentkey.RSA)
	if err != nil || !replaced {
		t.Fatalf("EnsureType(rsa) over an ECDSA key: replaced=%v, %v; want the key replaced", replaced, err)
	}
	k, ok := rsaID.Key.(*rsa.PrivateKey)
	if !ok || k.N.BitLen() != agentkey.RSABits || rsaID.CertificatePEM != nil {
		t.Fatalf("the replaced identity has a %T key and certificate %q, want RSA %d bits and none", rsaID.Key, rsaID.CertificatePEM, agentkey.RSABits)
	}
	if _, err := agentpubkey.Encode(rsaID.Key.Public()); err != nil {
		t.Errorf("the hub would refuse the new key: %v", err)
	}
	agentView, err := agentkey.Ensure(t.Context(), k8s, ref)
	if err != nil || !agentView.Key.Equal(rsaID.Key) || agentView.Key.Equal(ecdsaID.Key) || agentView.CertificatePEM != nil {
		t.Fatalf("the agent reads %T (%v), want the new RSA key without the old certificate", agentView.Key, err)
	}
	kept, replaced, err := agentkey.EnsureType(t.Context(), k8s, ref, agentkey.RSA)
	if err != nil || replaced || !kept.Key.Equal(rsaID.Key) {
		t.Errorf("EnsureType(rsa) over the RSA key: replaced=%v, %v; want it kept", replaced, err)
	}
}

func TestEnsureTypeCreatesTheTypeAskedFor(t *testing.T) {
	ref := secretRef(t)
	id, replaced, err := agentkey.EnsureType(t.Context(), k8s, ref, agentkey.RSA)
	if err != nil || replaced || id.Type() != agentkey.RSA {
		t.Fatalf("EnsureType(rsa) without a Secret = %T, replaced=%v, %v; want a new RSA key", id.Key, replaced, err)
	}
}

// A key the hub would refuse is refused when the Secret is read, with what to use instead.
func TestAStoredKeyOfAnUnsupportedTypeIsRefused(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		key  crypto.PrivateKey
		want string
	}{
		"RSA 1024": {small, "RSA key has 1024 bits, at least 2048 are needed"},
		"Ed25519":  {ed, "use RSA (2048 to 8192 bits) or ECDSA P-256/P-384"},
	} {
		t.Run(name, func(t *testing.T) {
			ref := secretRef(t)
			der, err := x509.MarshalPKCS8PrivateKey(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ref.Namespace, Name: ref.Name},
				Data: map[string][]byte{agentkey.KeyField: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})}}
			if err := k8s.Create(t.Context(), secret); err != nil {
				t.Fatal(err)
			}
			_, err = agentkey.Ensure(t.Context(), k8s, ref)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Ensure = %v, want an error saying %q", err, tt.want)
			}
			if _, _, err := agentkey.EnsureType(t.Context(), k8s, ref, agentkey.RSA); err == nil {
				t.Error("EnsureType replaced a key it cannot read; the Secret should be left for the user to look at")
			}
		})
	}
}

func TestParseKeyType(t *testing.T) {
	for in, want := range map[string]agentkey.KeyType{"rsa": agentkey.RSA, "ECDSA": agentkey.ECDSA} {
		if got, err := agentkey.ParseKeyType(in); err != nil || got != want {
			t.Errorf("ParseKeyType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := agentkey.ParseKeyType("ed25519"); err == nil || !strings.Contains(err.Error(), "use ecdsa or rsa") {
		t.Errorf("ParseKeyType(ed25519) = %v, want an error listing ecdsa and rsa", err)
	}
}
