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

package hubtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// APIVersion is the management API version ARM adds to a path without a query.
const APIVersion = "2024-01-01"

// ARM sends a management API request with the bearer token (none when empty) and body as
// JSON (none when nil), and returns the response's status and body. A path without a query
// gets ?api-version=APIVersion.
func (h *Hub) ARM(method, path, token string, body any) (status int, raw []byte, err error) {
	req, err := h.armRequest(method, path, token, body)
	if err != nil {
		return 0, nil, err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if raw, err = io.ReadAll(resp.Body); err != nil {
		return resp.StatusCode, raw, fmt.Errorf("%s %s: reading the response: %w", method, path, err)
	}
	return resp.StatusCode, raw, nil
}

func (h *Hub) armRequest(method, path, token string, body any) (*http.Request, error) {
	if !strings.Contains(path, "?") {
		path += "?api-version=" + APIVersion
	}
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding the body of %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, h.URL+path, rd)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// PutCluster creates the connectedCluster id (an ARM resource ID) as the admin, with the
// agent public key agentPublicKey (agentpubkey.Encode), as arcctl connectedk8s
// connect would: in westeurope, tagged env=test, a k3s cluster on bare metal. It fails
// unless the hub answers 201 Created.
func (h *Hub) PutCluster(id, agentPublicKey string) error {
	body := map[string]any{
		"location": "westeurope",
		"tags":     map[string]string{"env": "test"},
		"identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{
			"agentPublicKeyCertificate": agentPublicKey, "distribution": "k3s", "infrastructure": "bare_metal",
		},
	}
	status, raw, err := h.ARM(http.MethodPut, id, h.AdminToken, body)
	if err != nil {
		return err
	}
	if status != http.StatusCreated {
		return fmt.Errorf("creating cluster %s: %d %s", id, status, raw)
	}
	return nil
}
