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
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestNewTokenSecret(t *testing.T) {
	secret, tok, err := NewToken("ci", Contributor, "/SUBSCRIPTIONS/s/resourcegroups/g/", 90*24*time.Hour, testNow)
	if err != nil {
		t.Fatalf("NewToken: %v", err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, "kubearc_"))
	if !strings.HasPrefix(secret, "kubearc_") || err != nil || len(raw) != 32 {
		t.Errorf("secret %q is not kubearc_ + unpadded base64url of 32 bytes (%v)", secret, err)
	}
	sum := sha256.Sum256([]byte(secret))
	if !bytes.Equal(tok.Hash, sum[:]) || !bytes.Equal(HashSecret(secret), sum[:]) {
		t.Error("token hash is not the SHA-256 of the secret")
	}
	if bytes.Contains([]byte(tok.ID+tok.Name+tok.Scope), []byte(secret)) {
		t.Error("token record holds the secret")
	}
}

func TestNewTokenRecord(t *testing.T) {
	_, tok, err := NewToken("ci", Contributor, "/SUBSCRIPTIONS/s/resourcegroups/g/", 90*24*time.Hour, testNow)
	if err != nil {
		t.Fatalf("NewToken: %v", err)
	}
	want := struct{ name, role, scope string }{"ci", "Contributor", "/subscriptions/s/resourceGroups/g"}
	if tok.Name != want.name || tok.Role != want.role || tok.Scope != want.scope {
		t.Errorf("token = %q %q %q, want %v", tok.Name, tok.Role, tok.Scope, want)
	}
	if len(tok.ID) != 16 || !tok.CreatedAt.Equal(testNow) || !tok.ExpiresAt.Equal(testNow.Add(90*24*time.Hour)) {
		t.Errorf("token ID %q, created %s, expires %s", tok.ID, tok.CreatedAt, tok.ExpiresAt)
	}
	secret, _, _ := NewToken("ci", Contributor, "/", 0, testNow)
	secret2, tok2, err := NewToken("ci", Contributor, "/", 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if secret2 == secret || tok2.ID == tok.ID {
		t.Error("two tokens share a secret or an ID")
	}
	if !tok2.ExpiresAt.IsZero() {
		t.Errorf("token with ttl 0 expires at %s", tok2.ExpiresAt)
	}
}

func TestNewTokenErrors(t *testing.T) {
	tests := []struct {
		name, tokenName string
		role            Role
		scope           string
		ttl             time.Duration
		wantErr         string
	}{
		{name: "empty name", tokenName: " ", role: Reader, scope: "/", wantErr: "token name must not be empty"},
		{name: "long name", tokenName: strings.Repeat("n", 129), role: Reader, scope: "/", wantErr: "at most 128"},
		{name: "control character", tokenName: "a\nb", role: Reader, scope: "/", wantErr: "control characters"},
		{name: "unknown role", tokenName: "x", role: "Admin", scope: "/", wantErr: "use one of Reader, Contributor or Owner"},
		{name: "lower-case role", tokenName: "x", role: "reader", scope: "/", wantErr: "role \"reader\" is not valid"},
		{name: "bad scope", tokenName: "x", role: Reader, scope: "/subscriptions", wantErr: "scope \"/subscriptions\" must be"},
		{name: "negative ttl", tokenName: "x", role: Reader, scope: "/", ttl: -time.Hour, wantErr: "must not be negative"},
	}
	for _, tt := range tests {
		_, _, err := NewToken(tt.tokenName, tt.role, tt.scope, tt.ttl, testNow)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
	}
}
