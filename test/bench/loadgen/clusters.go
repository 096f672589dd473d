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

package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// Admin is the user side of the hub for other benchmarks: it creates connectedClusters and
// reads the hub's API with the admin token, over one HTTP/2 connection.
type Admin struct{ a *admin }

// NewAdmin returns the admin of h; Close lets its connection go.
func NewAdmin(h *Hub) *Admin { return &Admin{a: newAdmin(h)} }

// Close closes the admin's idle connection.
func (a *Admin) Close() { a.a.client.CloseIdleConnections() }

// CreateCluster creates connectedCluster name in the resource group group of subscription
// sub, with the agent key publicKey (agentpubkey.Encode), and returns its ARM ID.
func (a *Admin) CreateCluster(ctx context.Context, sub, group, name, publicKey string) (string, error) {
	path := clusterPath(sub, group, name)
	return path, a.a.createCluster(ctx, path, publicKey)
}

// Get sends GET path with the admin token and returns the body of a 200 answer.
func (a *Admin) Get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.a.hub.URL+path, http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("building GET %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.a.hub.Token)
	resp, err := a.a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the answer to GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}
