//go:build e2e

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

package e2e

import (
	"os"
	"path/filepath"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

// agentCatalog is the agent section of every e2e catalog: the e2e installs the agent from
// bin/, so the chart is named only to make the catalog valid.
const agentCatalog = `agent:
  chart: {repository: "oci://ghcr.io/kubearc/charts", name: kubearc-agent}
  releaseTrains:
    - name: Stable
      versions: ["0.1.0"]
`

// serveCharts serves charts from a local Helm repository until the test ends and returns
// its URL: the e2e machines have no internet.
func (e *env) serveCharts(charts ...*chartv2.Chart) string {
	e.t.Helper()
	repo, err := helmtest.NewRepo(e.t.TempDir(), charts...)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(repo.Close)
	return repo.URL
}

// writeCatalog writes the hub's --catalog offering extensionTypes, the items of its YAML
// list.
func (e *env) writeCatalog(extensionTypes string) {
	e.t.Helper()
	e.catalog = filepath.Join(e.dir, "catalog.yaml")
	if err := os.WriteFile(e.catalog, []byte("extensionTypes:\n"+extensionTypes+agentCatalog), 0o600); err != nil {
		e.t.Fatal(err)
	}
}
