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
	"fmt"
	"net/http"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// connectivityChecks stores the results of the agent's latest connectivity checks, replacing
// the previous ones. The body is JSON of at most protocol.MaxConnectivityChecksBytes with at
// most protocol.MaxConnectivityChecks checks.
func (a *API) connectivityChecks(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > protocol.MaxConnectivityChecksBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestBodyTooLarge",
			fmt.Sprintf("the connectivity checks are larger than %d bytes; send at most %d checks of at most %d bytes of message each",
				protocol.MaxConnectivityChecksBytes, protocol.MaxConnectivityChecks, protocol.MaxCheckMessageBytes))
		return
	}
	var report protocol.ConnectivityChecks
	if !decodeAtMost(w, r, &report, protocol.MaxConnectivityChecksBytes) {
		return
	}
	if err := report.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidConnectivityChecks", "the connectivity checks are invalid: "+err.Error())
		return
	}
	err := a.Store.PutConnectivityChecks(r.Context(), clusterFrom(r.Context()),
		store.ConnectivityChecks{ReceivedAt: a.now().UTC(), Checks: report.Checks})
	switch {
	case isNotFound(err): // deleted since the request was admitted
		writeError(w, http.StatusForbidden, "ClusterCredentialRevoked", "the cluster no longer exists")
	case err != nil:
		a.writeInternal(w, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
