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
	"encoding/json"
	"fmt"
	"net/http"
)

// ExtensionsAPIVersion is the api-version of Microsoft.KubernetesConfiguration/extensions.
const ExtensionsAPIVersion = "2023-05-01"

// ExtensionPath returns the ARM path of extension name on the connectedCluster clusterID.
func ExtensionPath(clusterID, name string) string {
	return clusterID + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name
}

// PutExtension creates or replaces an extension as the admin, with properties as the ARM
// request's properties (e.g. {"extensionType": "flux"}), and returns the answer's
// properties. It fails unless the hub answers 200 or 201.
func (h *Hub) PutExtension(clusterID, name string, properties map[string]any) (map[string]any, error) {
	return h.extension(http.MethodPut, clusterID, name, map[string]any{"properties": properties}, http.StatusOK, http.StatusCreated)
}

// GetExtension returns an extension's properties as the admin sees them.
func (h *Hub) GetExtension(clusterID, name string) (map[string]any, error) {
	return h.extension(http.MethodGet, clusterID, name, nil, http.StatusOK)
}

// DeleteExtension deletes an extension as the admin; force removes it without waiting for
// the agent (forceDelete=true).
func (h *Hub) DeleteExtension(clusterID, name string, force bool) error {
	path := ExtensionPath(clusterID, name) + "?api-version=" + ExtensionsAPIVersion
	if force {
		path += "&forceDelete=true"
	}
	status, raw, err := h.ARM(http.MethodDelete, path, h.AdminToken, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK && status != http.StatusAccepted && status != http.StatusNoContent {
		return fmt.Errorf("deleting extension %s: %d %s", name, status, raw)
	}
	return nil
}

func (h *Hub) extension(method, clusterID, name string, body any, ok ...int) (map[string]any, error) {
	status, raw, err := h.ARM(method, ExtensionPath(clusterID, name)+"?api-version="+ExtensionsAPIVersion, h.AdminToken, body)
	if err != nil {
		return nil, err
	}
	for _, want := range ok {
		if status == want {
			var doc struct {
				Properties map[string]any `json:"properties"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				return nil, fmt.Errorf("%s extension %s: decoding the answer: %w", method, name, err)
			}
			return doc.Properties, nil
		}
	}
	return nil, fmt.Errorf("%s extension %s: %d %s", method, name, status, raw)
}
