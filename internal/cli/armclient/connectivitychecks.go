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

package armclient

import (
	"context"
	"net/http"
	"time"

	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ConnectivityChecks are the results of the agent's latest connectivity checks, as the hub
// keeps them.
type ConnectivityChecks struct {
	// ReceivedAt is when the hub received them; nil when the agent sent none yet.
	ReceivedAt *time.Time `json:"receivedAt"`
	// Value are the checks, in the agent's order.
	Value []protocol.ConnectivityCheck `json:"value"`
}

// GetConnectivityChecks returns the agent's latest connectivity checks.
func (c *Client) GetConnectivityChecks(ctx context.Context, id armid.ClusterID) (*ConnectivityChecks, error) {
	req, err := c.newRequest(ctx, http.MethodGet, diagnosticsPath(id, "connectivityChecks"), nil)
	if err != nil {
		return nil, err
	}
	return receive[ConnectivityChecks](c, req, "the agent's connectivity checks", http.StatusOK)
}
