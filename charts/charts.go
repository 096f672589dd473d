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

// Package charts embeds kubearc's Helm charts in the binaries, so arcctl installs the agent
// chart that matches its own version without fetching anything.
package charts

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
)

// agentChartDir is the agent chart's directory, relative to this package.
const agentChartDir = "kubearc-agent"

//go:embed all:kubearc-agent
var agentFS embed.FS

// Agent loads the embedded kubearc-agent chart. The result is what helm's
// action.Install.Run and action.Upgrade.Run accept.
func Agent() (*chart.Chart, error) {
	return load(agentFS, agentChartDir)
}

// load reads every file under dir of fsys and hands them to Helm's loader, with names
// relative to the chart's root as in a chart archive.
func load(fsys fs.FS, dir string) (*chart.Chart, error) {
	var files []*archive.BufferedFile
	err := fs.WalkDir(fsys, dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		rel, err := relative(dir, name)
		if err != nil {
			return err
		}
		files = append(files, &archive.BufferedFile{Name: rel, Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the embedded %s chart: %w", dir, err)
	}
	c, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("loading the embedded %s chart: %w", dir, err)
	}
	return c, nil
}

// relative returns name relative to dir; embed.FS paths always use forward slashes.
func relative(dir, name string) (string, error) {
	prefix := path.Clean(dir) + "/"
	if len(name) <= len(prefix) || name[:len(prefix)] != prefix {
		return "", fmt.Errorf("embedded file %q is outside %q", name, dir)
	}
	return name[len(prefix):], nil
}
