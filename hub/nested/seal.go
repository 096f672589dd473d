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
	"errors"
	"fmt"

	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/seal"
)

// Sealer seals protected settings at rest with the hub's data key (seal.WithKey) and re-seals
// them for a cluster's agent key.
type Sealer struct {
	DataKey []byte
}

// Seal seals protected settings with the hub's data key; none gives "".
func (s Sealer) Seal(settings map[string]string) (string, error) {
	if len(settings) == 0 {
		return "", nil
	}
	plain, err := json.Marshal(settings)
	if err != nil {
		return "", fmt.Errorf("encoding protected settings: %w", err)
	}
	token, err := seal.WithKey(s.DataKey, plain)
	if err != nil {
		return "", fmt.Errorf("sealing protected settings at rest: %w", err)
	}
	return token, nil
}

// Open returns the protected settings sealed by Seal.
func (s Sealer) Open(sealed string) (map[string]string, error) {
	if sealed == "" {
		return nil, nil
	}
	plain, err := seal.OpenWithKey(s.DataKey, sealed)
	if err != nil {
		return nil, fmt.Errorf("opening protected settings at rest: %w", err)
	}
	var out map[string]string
	if err := json.Unmarshal(plain, &out); err != nil {
		return nil, errors.New("the protected settings at rest are not a JSON object of strings")
	}
	return out, nil
}

// ForAgent re-seals the protected settings of record id, sealed at rest, for the agent key
// (agentPublicKeyCertificate) of cluster clusterID; none gives "".
func (s Sealer) ForAgent(clusterID, agentKey, id, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	plain, err := seal.OpenWithKey(s.DataKey, sealed)
	if err != nil {
		return "", fmt.Errorf("opening the protected settings of %s: %w", id, err)
	}
	pub, err := agentpubkey.Parse(agentKey)
	if err != nil {
		return "", fmt.Errorf("the agent key of cluster %s: %w", clusterID, err)
	}
	delivered, err := seal.ForAgent(pub, plain)
	if err != nil {
		return "", fmt.Errorf("sealing the protected settings of %s for the agent: %w", id, err)
	}
	return delivered, nil
}
