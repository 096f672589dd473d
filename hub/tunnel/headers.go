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

package tunnel

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/kubearc/kubearc/hub/auth"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// setIdentity removes from h every header that could choose who the request runs as in
// the cluster: Impersonate-* (Kubernetes impersonation), the hub's own X-Kubearc-* headers,
// and Authorization (the hub token, which never leaves the hub). It then sets the identity
// the agent acts as: the user's cluster token, when they sent one, or the principal.
func setIdentity(h http.Header, clusterToken string, p auth.Principal) {
	clearIdentity(h)
	if token := strings.TrimSpace(clusterToken); token != "" {
		h.Set("Authorization", "Bearer "+token)
		return
	}
	user, groups := Identity(p)
	h.Set(protocol.HeaderRemoteUser, user)
	for _, g := range groups {
		h.Add(protocol.HeaderRemoteGroup, g)
	}
}

// clearIdentity removes from h every header that could choose who a request runs as in the
// cluster, and the hub's credentials.
func clearIdentity(h http.Header) {
	for name := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "impersonate-") || strings.HasPrefix(lower, "x-kubearc-") ||
			lower == "authorization" || lower == "proxy-authorization" {
			delete(h, name)
		}
	}
}

// writeStatus answers a Kubernetes Status, which kubectl and client-go show to the user.
func writeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": message, "reason": reason, "code": code,
	})
}
