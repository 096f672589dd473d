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
	"net/http"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// CustomLocationTransport returns a RoundTripper that sends the hub's own Kubernetes requests
// through cluster id's tunnel as protocol.CustomLocationIdentity, for the resources on its
// custom locations: the agent impersonates that user, so the cluster's RBAC (the RoleBindings
// the agent makes for the location's extensions) bounds what the hub can do. URLs are the
// Kubernetes API's paths on any host. Without a tunnel, requests fail at once.
func (s *Server) CustomLocationTransport(id string) http.RoundTripper {
	return &identityTransport{next: s.transport(clusterKey(id)), user: protocol.CustomLocationIdentity}
}

// identityTransport sets the identity headers the agent impersonates on every request.
type identityTransport struct {
	next http.RoundTripper
	user string
}

func (t *identityTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	clearIdentity(out.Header)
	out.Header.Set(protocol.HeaderRemoteUser, t.user)
	return t.next.RoundTrip(out)
}
