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

// Package agentkey keeps the agent's identity in the cluster: its private key, generated in
// the cluster and never sent anywhere, and the client certificate the hub issued for it. Both
// live in one Secret in the agent's namespace. arcctl creates the key when it connects a
// cluster (and reads the public half for the hub); the agent creates it if it is missing.
// The key is ECDSA P-256 unless arcctl was asked for an RSA key (KeyType).
package agentkey

import (
	"cmp"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
)

// Keys of the Secret.
const (
	// KeyField holds the PEM PKCS#8 private key.
	KeyField = "agent.key"
	// CertificateField holds the PEM client certificate from the hub.
	CertificateField = "tls.crt"
)

// PrivateKey is an agent's private key: an *ecdsa.PrivateKey (P-256/P-384) or an
// *rsa.PrivateKey (2048 to 8192 bits).
type PrivateKey interface {
	crypto.Signer
	Equal(x crypto.PrivateKey) bool
}

// Identity is the agent's key and, once registered, its certificate.
type Identity struct {
	// Key is the agent's private key.
	Key PrivateKey
	// CertificatePEM is the last certificate the hub issued; nil before registration.
	CertificatePEM []byte
}

// Type is the type of the identity's key.
func (id Identity) Type() KeyType {
	switch id.Key.(type) {
	case *rsa.PrivateKey:
		return RSA
	case *ecdsa.PrivateKey:
		return ECDSA
	default:
		return ""
	}
}

// Ensure returns the identity stored in the Secret, creating the Secret with a new ECDSA key
// when it does not exist. Two callers racing both end up with the one key that was stored
// first.
func Ensure(ctx context.Context, c client.Client, key client.ObjectKey) (Identity, error) {
	secret, err := getOrCreate(ctx, c, key, ECDSA)
	if err != nil {
		return Identity{}, err
	}
	return parse(secret)
}

// EnsureType is Ensure with a key of type t: a stored key of another type is replaced by a
// new one of type t, and the certificate issued for the old key is dropped. replaced reports
// that: the hub must then learn the new key (agentPublicKeyCertificate) before the agent can
// register with it. An empty t is Ensure: any stored key is kept.
func EnsureType(ctx context.Context, c client.Client, key client.ObjectKey, t KeyType) (id Identity, replaced bool, err error) {
	secret, err := getOrCreate(ctx, c, key, cmp.Or(t, ECDSA))
	if err != nil {
		return Identity{}, false, err
	}
	if id, err = parse(secret); err != nil || t == "" || id.Type() == t {
		return id, false, err
	}
	if id, err = replace(ctx, c, secret, t); err != nil {
		return Identity{}, false, err
	}
	return id, true, nil
}

// SaveCertificate stores the hub's certificate beside the key.
func SaveCertificate(ctx context.Context, c client.Client, key client.ObjectKey, certPEM []byte) error {
	secret := &corev1.Secret{}
	if err := c.Get(ctx, key, secret); err != nil {
		return fmt.Errorf("reading the agent key Secret %s: %w", key, err)
	}
	patch := client.MergeFrom(secret.DeepCopy())
	if secret.Data == nil {
		secret.Data = map[string][]byte{}
	}
	secret.Data[CertificateField] = certPEM
	if err := c.Patch(ctx, secret, patch); err != nil {
		return fmt.Errorf("storing the client certificate in %s: %w", key, err)
	}
	return nil
}

// getOrCreate reads the Secret, creating it with a new key of type t when it does not exist.
func getOrCreate(ctx context.Context, c client.Client, key client.ObjectKey, t KeyType) (*corev1.Secret, error) {
	secret := &corev1.Secret{}
	err := c.Get(ctx, key, secret)
	if apierrors.IsNotFound(err) {
		secret, err = create(ctx, c, key, t)
		if apierrors.IsAlreadyExists(err) {
			secret = &corev1.Secret{}
			err = c.Get(ctx, key, secret)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the agent key Secret %s: %w", key, err)
	}
	return secret, nil
}

func create(ctx context.Context, c client.Client, key client.ObjectKey, t KeyType) (*corev1.Secret, error) {
	keyPEM, err := t.generate()
	if err != nil {
		return nil, err
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name,
			Labels: map[string]string{"app.kubernetes.io/name": "kubearc-agent", "app.kubernetes.io/component": "identity"}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{KeyField: keyPEM},
	}
	return secret, c.Create(ctx, secret)
}

// replace stores a new key of type t in secret, without the old key's certificate. The
// update is conditional on the Secret read, so a concurrent writer makes it fail.
func replace(ctx context.Context, c client.Client, secret *corev1.Secret, t KeyType) (Identity, error) {
	keyPEM, err := t.generate()
	if err != nil {
		return Identity{}, err
	}
	secret.Data = map[string][]byte{KeyField: keyPEM}
	if err := c.Update(ctx, secret); err != nil {
		return Identity{}, fmt.Errorf("replacing the agent key in %s/%s: %w", secret.Namespace, secret.Name, err)
	}
	return parse(secret)
}

func parse(secret *corev1.Secret) (Identity, error) {
	block, _ := pem.Decode(secret.Data[KeyField])
	if block == nil {
		return Identity{}, fmt.Errorf("the Secret %s/%s has no PEM private key in %q: delete it to let the agent generate a new key, then reconnect the cluster",
			secret.Namespace, secret.Name, KeyField)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return Identity{}, fmt.Errorf("the private key in %s/%s is not PKCS#8: %w", secret.Namespace, secret.Name, err)
	}
	key, ok := parsed.(PrivateKey)
	if !ok {
		return Identity{}, fmt.Errorf("the private key in %s/%s is a %T, which cannot sign; the agent key must be ECDSA or RSA",
			secret.Namespace, secret.Name, parsed)
	}
	if err := agentpubkey.Check(key.Public()); err != nil {
		return Identity{}, fmt.Errorf("the private key in %s/%s cannot be an agent key: %w", secret.Namespace, secret.Name, err)
	}
	return Identity{Key: key, CertificatePEM: secret.Data[CertificateField]}, nil
}
