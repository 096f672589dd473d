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

package nested

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/agentpubkey/agentpubkeytest"
	"github.com/kubearc/kubearc/pkg/seal"
)

const canary = "CANARY-3b9e-protected"

func newSealer(t *testing.T) Sealer {
	t.Helper()
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return Sealer{DataKey: key}
}

func TestSealerKeepsSettingsAtRest(t *testing.T) {
	s := newSealer(t)
	tests := []struct {
		name     string
		settings map[string]string
	}{
		{"none", nil},
		{"empty", map[string]string{}},
		{"some", map[string]string{"git.password": canary, "ssh.key": "k"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := s.Seal(tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			if (sealed == "") != (len(tt.settings) == 0) || strings.Contains(sealed, canary) {
				t.Fatalf("sealed %v as %q", tt.settings, sealed)
			}
			got, err := s.Open(sealed)
			if err != nil || !maps.Equal(got, tt.settings) {
				t.Errorf("Open = %v %v, want %v", got, err, tt.settings)
			}
			if _, err := newSealer(t).Open(sealed); sealed != "" && (err == nil || strings.Contains(err.Error(), canary)) {
				t.Errorf("another data key opened the settings, or its error shows them: %v", err)
			}
		})
	}
}

func TestSealerForAgent(t *testing.T) {
	s := newSealer(t)
	key, agentKey := agentpubkeytest.NewKey(t)
	sealed, err := s.Seal(map[string]string{"token": canary})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, agentKey, sealed string
		wantErr                string
		want                   map[string]string
	}{
		{"none", agentKey, "", "", nil},
		{"delivered", agentKey, sealed, "", map[string]string{"token": canary}},
		{"bad agent key", "not a key", sealed, "the agent key of cluster /c", nil},
		{"not sealed with the data key", agentKey, "garbage", "opening the protected settings of /c/e", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := s.ForAgent("/c", tt.agentKey, "/c/e", tt.sealed)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), canary) {
					t.Fatalf("ForAgent error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if token != "" {
					t.Errorf("ForAgent of nothing = %q", token)
				}
				return
			}
			plain, err := seal.OpenAgent(key, token)
			if err != nil {
				t.Fatalf("the agent cannot open its copy: %v", err)
			}
			var got map[string]string
			if err := json.Unmarshal(plain, &got); err != nil || !maps.Equal(got, tt.want) {
				t.Errorf("delivered %v %v, want %v", got, err, tt.want)
			}
		})
	}
}
