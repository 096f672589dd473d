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

// Package chartrepo makes a Helm chart repository of kubearc's charts: each chart packaged
// as helm package does it, and the index.yaml that helm repo add, the hub's catalog and the
// agent read, so that the charts can be served from any static file server.
package chartrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"helm.sh/helm/v4/pkg/action"
	repo "helm.sh/helm/v4/pkg/repo/v1"
)

// IndexFile is the repository index's name, beside the archives.
const IndexFile = "index.yaml"

// Options say how the repository is made.
type Options struct {
	// BaseURL, when set, makes the index's chart URLs absolute (the URL the directory is
	// served at); empty keeps them relative to index.yaml, which serves from anywhere.
	BaseURL string
	// ModTime, when set, stamps the archives' files and the index, so that the same charts
	// give the same bytes and digests.
	ModTime time.Time
}

// Build packages every chart under chartsDir (each directory holding a Chart.yaml) into
// outDir and writes outDir/index.yaml. The index lists every archive in outDir, so earlier
// versions packaged there stay available. It returns the archives it wrote.
func Build(chartsDir, outDir string, o Options) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(chartsDir, "*", "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no chart (a directory with a Chart.yaml) under %s", chartsDir)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	pkg := action.NewPackage()
	pkg.Destination = outDir
	if !o.ModTime.IsZero() {
		pkg.SourceDateEpoch = &o.ModTime
	}
	var archives []string
	for _, chartYAML := range dirs {
		archive, err := pkg.Run(filepath.Dir(chartYAML), nil)
		if err != nil {
			return nil, fmt.Errorf("packaging the chart %s: %w", filepath.Dir(chartYAML), err)
		}
		archives = append(archives, archive)
	}
	return archives, writeIndex(outDir, o)
}

// writeIndex indexes the archives in dir.
func writeIndex(dir string, o Options) error {
	index, err := repo.IndexDirectory(dir, o.BaseURL)
	if err != nil {
		return fmt.Errorf("indexing %s: %w", dir, err)
	}
	if len(index.Entries) == 0 {
		return errors.New("indexing " + dir + ": no chart archive found")
	}
	if !o.ModTime.IsZero() {
		stamp(index, o.ModTime)
	}
	index.SortEntries()
	if err := index.WriteFile(filepath.Join(dir, IndexFile), 0o644); err != nil {
		return fmt.Errorf("writing the repository index: %w", err)
	}
	return nil
}

// stamp sets the index's times, which Helm takes from the clock, to t.
func stamp(index *repo.IndexFile, t time.Time) {
	index.Generated = t
	for _, versions := range index.Entries {
		for _, v := range versions {
			v.Created = t
		}
	}
}
