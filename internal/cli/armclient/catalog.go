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
	"fmt"
	"net/http"
	"net/url"
)

// extensionTypesPath is the hub's catalog of extension types.
const extensionTypesPath = "/kubearc/v1/extensionTypes"

// ExtensionType is an extension type of the hub's catalog.
type ExtensionType struct {
	Name                    string         `json:"name"`
	Aliases                 []string       `json:"aliases,omitempty"`
	Description             string         `json:"description,omitempty"`
	DefaultScope            string         `json:"defaultScope"`
	DefaultReleaseNamespace string         `json:"defaultReleaseNamespace"`
	ReleaseTrains           []ReleaseTrain `json:"releaseTrains"`
}

// ReleaseTrain is a release train of an extension type and its versions, newest first.
type ReleaseTrain struct {
	Name     string           `json:"name"`
	Versions []CatalogVersion `json:"versions"`
}

// CatalogVersion is one version of an extension type and the Helm chart it installs.
type CatalogVersion struct {
	Version string `json:"version"`
	Chart   Chart  `json:"chart"`
}

// Chart locates a Helm chart version.
type Chart struct {
	Repository string `json:"repository"`
	Name       string `json:"name"`
	Version    string `json:"version"`
}

// ListExtensionTypes returns the extension types of the hub's catalog.
func (c *Client) ListExtensionTypes(ctx context.Context) ([]ExtensionType, error) {
	var out valueList[ExtensionType]
	if err := c.getJSON(ctx, extensionTypesPath, &out); err != nil {
		return nil, err
	}
	return out.Value, nil
}

// ListExtensionTypeVersions returns the release trains of an extension type (a name or an
// alias) with their versions.
func (c *Client) ListExtensionTypeVersions(ctx context.Context, extensionType string) ([]ReleaseTrain, error) {
	var out valueList[ReleaseTrain]
	if err := c.getJSON(ctx, extensionTypesPath+"/"+url.PathEscape(extensionType)+"/versions", &out); err != nil {
		return nil, err
	}
	return out.Value, nil
}

// getJSON GETs a path of the hub's own API and decodes the answer into out.
func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	req, err := c.newRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req, http.StatusOK)
	if err != nil {
		return err
	}
	if err := resp.decode(out); err != nil {
		return fmt.Errorf("decoding the hub's answer to GET %s: %w", path, err)
	}
	return nil
}
