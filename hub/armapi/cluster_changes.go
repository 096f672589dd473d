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
	"net/http"

	"github.com/kubearc/kubearc/hub/agentprofile"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// clusterChanges returns the desired-state changes stored with a cluster and the precondition
// pre of its write completed for them: its agent profile; the PolicySyncs of the policy
// assignments that apply to it, on the condition that those are unchanged since read; and,
// when the agent key changed from oldKey, every kind's protected settings re-sealed for the
// new key, on the condition that the cluster's children are those re-sealed; a caller who
// may not use a workspace its extensions bind may not change the key (403).
func (a *API) clusterChanges(r *http.Request, c *connectedCluster, oldKey string, pre store.Precondition) ([]store.DesiredChange, store.Precondition, error) {
	var asked protocol.AgentProfile
	if p := c.Properties.ArcAgentProfile; p != nil {
		asked = protocol.AgentProfile{DesiredAgentVersion: p.DesiredAgentVersion, AgentAutoUpgrade: p.AgentAutoUpgrade, LogLevel: p.LogLevel}
	}
	profile, err := agentprofile.Change(a.Catalog, c.ID, asked)
	if err != nil {
		return nil, pre, err
	}
	changes := []store.DesiredChange{profile}
	if a.Policy != nil {
		policy, related, err := a.Policy.ClusterChanges(r.Context(), c.ID)
		if err != nil {
			return nil, pre, err
		}
		for id, v := range related {
			pre = pre.With(id, v)
		}
		changes = append(changes, policy...)
	}
	if oldKey == c.Properties.AgentPublicKeyCertificate {
		return changes, pre, nil
	}
	if err := a.mayRekey(r, c.ID); err != nil {
		return nil, pre, err
	}
	reseal, children, err := a.Kinds.ResealChanges(r.Context(), c.ID, c.Properties.AgentPublicKeyCertificate)
	if err != nil {
		return nil, pre, err
	}
	pre.Children = children
	return append(reseal, changes...), pre, nil
}
