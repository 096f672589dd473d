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

package portal

import (
	"context"
	"net/http"
)

// train is a catalog release train, newest version first (the API's catalog documents).
type train struct {
	Name     string `json:"name"`
	Versions []struct {
		Version string `json:"version"`
	} `json:"versions"`
}

// extensionType is a catalog extension type.
type extensionType struct {
	Name          string  `json:"name"`
	ReleaseTrains []train `json:"releaseTrains"`
}

// agentTrains reads the catalog's agent versions through the API; none when it has no
// catalog.
func (p *Portal) agentTrains(ctx context.Context) []train {
	var out struct {
		Value []train `json:"value"`
	}
	if err := p.call(ctx, http.MethodGet, "/kubearc/v1/agentVersions", "", nil, &out); err != nil {
		return nil
	}
	return out.Value
}

// latestAgent is the newest agent version of the catalog's first release train.
func (p *Portal) latestAgent(ctx context.Context) string {
	trains := p.agentTrains(ctx)
	if len(trains) == 0 || len(trains[0].Versions) == 0 {
		return ""
	}
	return trains[0].Versions[0].Version
}

// upgrade is the version the agent could upgrade to, empty when it runs it (or nothing is
// known).
func upgrade(running, latest string) string {
	if running == "" || latest == "" || running == latest {
		return ""
	}
	return latest
}

// extensionTypes reads the catalog's extension types through the API.
func (p *Portal) extensionTypes(ctx context.Context) []extensionType {
	var out struct {
		Value []extensionType `json:"value"`
	}
	if err := p.call(ctx, http.MethodGet, "/kubearc/v1/extensionTypes", "", nil, &out); err != nil {
		return nil
	}
	return out.Value
}
