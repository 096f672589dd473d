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

package agentapi

import (
	"context"
	"crypto/x509"
	"net/http"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// AgentOnly admits only requests of a registered agent, as the agent API's own endpoints do:
// a valid client certificate whose key is still its cluster's agent key. Other hub
// components (the cluster connect tunnel) use it; ClusterFrom then names the cluster.
func (a *API) AgentOnly(next http.HandlerFunc) http.Handler { return a.agentOnly(next) }

// ClusterFrom returns the ARM ID of the cluster whose agent made a request AgentOnly
// admitted; empty otherwise.
func ClusterFrom(ctx context.Context) string { return clusterFrom(ctx) }

// AgentOf returns the cluster whose agent a client certificate chain belongs to, if the
// agent API would admit it now: valid, issued by this hub, holding the cluster's current
// agent key (read through the key cache). The hub counts a connection presenting it as
// authenticated from its TLS handshake on.
func (a *API) AgentOf(ctx context.Context, chain []*x509.Certificate) (string, error) {
	if len(chain) == 0 {
		return "", &refusal{http.StatusUnauthorized, "ClientCertificateRequired", "present the client certificate from " + protocol.PathRegister}
	}
	return a.checkCertificate(ctx, chain)
}

// CurrentAgentKey reads the cluster's registered agentPublicKeyCertificate from the store,
// bypassing the cache: for deciding, after a change of the cluster, whether connections
// opened with an older key must end. It returns store.ErrNotFound for a deleted cluster.
func (a *API) CurrentAgentKey(ctx context.Context, clusterID string) (string, error) {
	return a.readAgentKey(ctx, clusterID)
}
