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

package armapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// clusterChanges returns the desired-state changes stored with a cluster: its agent profile
// (with the catalog's agent versions when the hub has a catalog) and, when the agent key
// changed from oldKey, the extensions' protected settings re-sealed for the new key.
func (a *API) clusterChanges(r *http.Request, c *connectedCluster, oldKey string) ([]store.DesiredChange, error) {
	desired, auto := "", "Enabled"
	if p := c.Properties.ArcAgentProfile; p != nil {
		desired, auto = p.DesiredAgentVersion, p.AgentAutoUpgrade
	}
	if a.Extensions == nil {
		spec, err := json.Marshal(protocol.AgentProfile{DesiredAgentVersion: desired, AgentAutoUpgrade: auto})
		if err != nil {
			return nil, err
		}
		return []store.DesiredChange{{ClusterID: c.ID, Kind: protocol.KindAgentProfile, Name: "default", Spec: spec}}, nil
	}
	profile, err := a.Extensions.AgentProfileChange(c.ID, desired, auto)
	if err != nil {
		return nil, err
	}
	if oldKey == c.Properties.AgentPublicKeyCertificate {
		return []store.DesiredChange{profile}, nil
	}
	reseal, err := a.Extensions.ResealChanges(r.Context(), c.ID, c.Properties.AgentPublicKeyCertificate)
	if err != nil {
		return nil, fmt.Errorf("re-sealing protected settings for the new agent key of %s: %w", c.ID, err)
	}
	fluxReseal, err := (&fluxConfigsType{api: a}).svc().ResealChanges(r.Context(), c.ID, c.Properties.AgentPublicKeyCertificate)
	if err != nil {
		return nil, fmt.Errorf("re-sealing Flux protected settings for the new agent key of %s: %w", c.ID, err)
	}
	return append(append(reseal, fluxReseal...), profile), nil
}
