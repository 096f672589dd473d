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

package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// SecretPrefix starts every token secret, so secret scanners and people recognize one.
const SecretPrefix = "kubearc_"

const (
	// secretBytes is the entropy of a secret.
	secretBytes = 32
	// idBytes is the length of a token ID before hex encoding.
	idBytes = 8
	// maxNameLength bounds a token's name.
	maxNameLength = 128
)

// NewToken creates a token with a fresh secret. The secret is returned once, to hand to the
// user; the Token holds only its hash and goes to Store.CreateToken. A ttl of 0 means the
// token does not expire. The scope is stored in its canonical form (see ParseScope).
func NewToken(name string, role Role, scope string, ttl time.Duration, now time.Time) (secret string, t *store.Token, err error) {
	if err := validateName(name); err != nil {
		return "", nil, err
	}
	if role.rank() == 0 {
		return "", nil, invalidRole(string(role))
	}
	if scope, err = ParseScope(scope); err != nil {
		return "", nil, err
	}
	if ttl < 0 {
		return "", nil, fmt.Errorf("token lifetime must not be negative, got %s", ttl)
	}
	raw, err := randomBytes(secretBytes)
	if err != nil {
		return "", nil, err
	}
	id, err := randomBytes(idBytes)
	if err != nil {
		return "", nil, err
	}
	secret = SecretPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t = &store.Token{ID: hex.EncodeToString(id), Name: name, Hash: HashSecret(secret),
		Role: string(role), Scope: scope, CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	return secret, t, nil
}

// HashSecret is the SHA-256 of a token secret, the only form in which secrets are stored.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

func validateName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("token name must not be empty")
	case len(name) > maxNameLength:
		return fmt.Errorf("token name must be at most %d bytes", maxNameLength)
	case strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return errors.New("token name must not contain control characters")
	}
	return nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("read random bytes: %w", err)
	}
	return b, nil
}
