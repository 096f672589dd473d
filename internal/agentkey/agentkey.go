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
package agentkey

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Keys of the Secret.
const (
	// KeyField holds the PEM PKCS#8 private key.
	KeyField = "agent.key"
	// CertificateField holds the PEM client certificate from the hub.
	CertificateField = "tls.crt"
)

// Identity is the agent's key and, once registered, its certificate.
type Identity struct {
	Key *ecdsa.PrivateKey
	// CertificatePEM is the last certificate the hub issued; nil before registration.
	CertificatePEM []byte
}

// Ensure returns the identity stored in the Secret, creating the Secret with a new key when it
// does not exist. Two callers racing both end up with the one key that was stored first.
func Ensure(ctx context.Context, c client.Client, key client.ObjectKey) (Identity, error) {
	secret := &corev1.Secret{}
	err := c.Get(ctx, key, secret)
	if apierrors.IsNotFound(err) {
		secret, err = create(ctx, c, key)
		if apierrors.IsAlreadyExists(err) {
			err = c.Get(ctx, key, secret)
		}
	}
	if err != nil {
		return Identity{}, fmt.Errorf("reading the agent key Secret %s: %w", key, err)
	}
	return parse(secret)
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

func create(ctx context.Context, c client.Client, key client.ObjectKey) (*corev1.Secret, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the agent key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name,
			Labels: map[string]string{"app.kubernetes.io/name": "kubearc-agent", "app.kubernetes.io/component": "identity"}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{KeyField: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})},
	}
	return secret, c.Create(ctx, secret)
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
	key, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return Identity{}, errors.New("the agent key must be an ECDSA key")
	}
	return Identity{Key: key, CertificatePEM: secret.Data[CertificateField]}, nil
}
