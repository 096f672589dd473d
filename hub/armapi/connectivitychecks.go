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
	"errors"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// connectivityChecksView is the answer of the connectivity checks endpoint: the results of
// the agent's latest connectivity checks, as it sent them.
type connectivityChecksView struct {
	// ReceivedAt is when the hub received them; nil when the agent sent none yet.
	ReceivedAt *time.Time `json:"receivedAt"`
	// Value are the checks, in the agent's order.
	Value []protocol.ConnectivityCheck `json:"value"`
}

// connectivityChecks answers the latest connectivity checks of a cluster's agent.
func (a *API) connectivityChecks(r *http.Request) (int, any, error) {
	id, err := a.diagnosticsRequest(r)
	if err != nil {
		return 0, nil, err
	}
	view := connectivityChecksView{Value: []protocol.ConnectivityCheck{}}
	checks, err := a.Store.GetConnectivityChecks(r.Context(), id.String())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusOK, view, nil
	case err != nil:
		return 0, nil, err
	}
	at := checks.ReceivedAt.UTC()
	view.ReceivedAt, view.Value = &at, checks.Checks
	return http.StatusOK, view, nil
}
