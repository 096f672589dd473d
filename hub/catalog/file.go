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

package catalog

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// file is the YAML document of a catalog, before validation.
type file struct {
	// ExtensionTypes are the extension types users can install.
	ExtensionTypes []typeEntry `json:"extensionTypes"`
	// Agent lists the kubearc agent's versions.
	Agent *packageEntry `json:"agent"`
}

// packageEntry is a chart and its versions per release train.
type packageEntry struct {
	// Chart is the default repository and chart name of every version.
	Chart chartEntry `json:"chart"`
	// ReleaseTrains are the trains and their versions.
	ReleaseTrains []trainEntry `json:"releaseTrains"`
}

// typeEntry is one extension type.
type typeEntry struct {
	packageEntry
	Name                    string   `json:"name"`
	Aliases                 []string `json:"aliases,omitempty"`
	Description             string   `json:"description,omitempty"`
	DefaultScope            string   `json:"defaultScope,omitempty"`
	DefaultReleaseNamespace string   `json:"defaultReleaseNamespace,omitempty"`
	// CustomLocations is what the type offers on custom locations.
	CustomLocations *CustomLocations `json:"customLocations,omitempty"`
	// WorkspaceSetting is the configuration setting that names a monitoring workspace.
	WorkspaceSetting string `json:"workspaceSetting,omitempty"`
}

// chartEntry is a (partial) chart reference; empty fields come from the enclosing level.
type chartEntry struct {
	Repository string `json:"repository,omitempty"`
	Name       string `json:"name,omitempty"`
	Version    string `json:"version,omitempty"`
}

type trainEntry struct {
	Name     string         `json:"name"`
	Versions []versionEntry `json:"versions"`
}

// versionEntry is either a plain version string, whose chart version is the same, or an
// object {version, chart: {repository, name, version}} for a version whose chart differs.
type versionEntry struct {
	Version string     `json:"version"`
	Chart   chartEntry `json:"chart,omitempty"`
}

// UnmarshalJSON accepts "1.2.3" as well as {"version": "1.2.3", "chart": {...}}.
func (v *versionEntry) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*v = versionEntry{Version: s}
		return nil
	}
	type plain versionEntry
	return json.Unmarshal(data, (*plain)(v))
}

// Load reads and validates the catalog file at path.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	return Parse(data, path)
}

// Parse parses and validates a catalog document; source names it in errors.
func Parse(data []byte, source string) (*Catalog, error) {
	var f file
	if err := yaml.UnmarshalStrict(data, &f); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", source, err)
	}
	c, err := build(&f)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", source, err)
	}
	return c, nil
}

func (c chartEntry) merge(def chartEntry, version string) protocol.ChartRef {
	ref := protocol.ChartRef{Repository: def.Repository, Name: def.Name, Version: version}
	if c.Repository != "" {
		ref.Repository = c.Repository
	}
	if c.Name != "" {
		ref.Name = c.Name
	}
	if c.Version != "" {
		ref.Version = c.Version
	}
	return ref
}
