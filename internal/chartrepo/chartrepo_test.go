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

package chartrepo_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	repo "helm.sh/helm/v4/pkg/repo/v1"

	"github.com/kubearc/kubearc/internal/chartrepo"
	"github.com/kubearc/kubearc/internal/helm"
)

// chartsDir is the repository's charts/, every chart of which is packaged.
const chartsDir = "../../charts"

var stamp = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// sourceCharts reads the name and version of every chart under charts/.
func sourceCharts(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartsDir, "*", "Chart.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no chart under %s: %v", chartsDir, err)
	}
	out := map[string]string{}
	for _, f := range files {
		md, err := chartutil.LoadChartfile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[md.Name] = md.Version
	}
	return out
}

func build(t *testing.T, o chartrepo.Options) (string, *repo.IndexFile) {
	t.Helper()
	out := t.TempDir()
	if _, err := chartrepo.Build(chartsDir, out, o); err != nil {
		t.Fatalf("Build: %v", err)
	}
	index, err := repo.LoadIndexFile(filepath.Join(out, chartrepo.IndexFile))
	if err != nil {
		t.Fatalf("the written index.yaml does not load: %v", err)
	}
	return out, index
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestIndexListsEveryChartWithItsVersionAndDigest: every chart under charts/, whoever added
// it, is in the index with its version, its archive's digest and a relative URL.
func TestIndexListsEveryChartWithItsVersionAndDigest(t *testing.T) {
	want := sourceCharts(t)
	out, index := build(t, chartrepo.Options{ModTime: stamp})
	if len(index.Entries) != len(want) {
		t.Errorf("index has %d charts, charts/ holds %d: %v", len(index.Entries), len(want), want)
	}
	for name, version := range want {
		cv, err := index.Get(name, version)
		if err != nil {
			t.Errorf("index lacks %s %s: %v", name, version, err)
			continue
		}
		archive := name + "-" + version + ".tgz"
		if len(cv.URLs) != 1 || cv.URLs[0] != archive {
			t.Errorf("%s URLs = %v, want [%s] relative to the index", name, cv.URLs, archive)
		}
		if got := sha256File(t, filepath.Join(out, archive)); cv.Digest != got {
			t.Errorf("%s digest = %s, the archive's sha256 is %s", name, cv.Digest, got)
		}
		if !cv.Created.Equal(stamp) {
			t.Errorf("%s created = %s, want the given time %s", name, cv.Created, stamp)
		}
	}
}

// TestSameChartsSameBytes: with a fixed time, a second build gives the same archives and index.
func TestSameChartsSameBytes(t *testing.T) {
	first, _ := build(t, chartrepo.Options{ModTime: stamp})
	second, _ := build(t, chartrepo.Options{ModTime: stamp})
	files, _ := filepath.Glob(filepath.Join(first, "*"))
	for _, f := range files {
		if a, b := sha256File(t, f), sha256File(t, filepath.Join(second, filepath.Base(f))); a != b {
			t.Errorf("%s differs between two builds: %s and %s", filepath.Base(f), a, b)
		}
	}
}

// TestServedRepositoryInstallsTheAgentChart: the directory served by a plain file server
// is a chart repository the agent's chart source (what an extension installs through)
// downloads from.
func TestServedRepositoryInstallsTheAgentChart(t *testing.T) {
	out, _ := build(t, chartrepo.Options{})
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	src := &helm.ChartSource{CacheDir: t.TempDir()}
	version := sourceCharts(t)["kubearc-agent"]
	c, err := src.Fetch(t.Context(), helm.ChartRef{Repository: srv.URL, Name: "kubearc-agent", Version: version})
	if err != nil {
		t.Fatalf("fetching the agent chart from the served repository: %v", err)
	}
	if c.Metadata.Name != "kubearc-agent" || len(c.CRDObjects()) == 0 || c.Schema == nil {
		t.Errorf("fetched %s with %d CRDs and schema %v, want the whole agent chart", c.Metadata.Name, len(c.CRDObjects()), c.Schema != nil)
	}
}

func TestAbsoluteURLs(t *testing.T) {
	_, index := build(t, chartrepo.Options{BaseURL: "https://charts.example.com/kubearc"})
	cv, err := index.Get("kubearc-agent", sourceCharts(t)["kubearc-agent"])
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.URLs) != 1 || !strings.HasPrefix(cv.URLs[0], "https://charts.example.com/kubearc/kubearc-agent-") {
		t.Errorf("URLs = %v, want them under the base URL", cv.URLs)
	}
}

func TestNoChartsIsAnError(t *testing.T) {
	_, err := chartrepo.Build(t.TempDir(), t.TempDir(), chartrepo.Options{})
	if err == nil || !strings.Contains(err.Error(), "no chart (a directory with a Chart.yaml)") {
		t.Errorf("error = %v, want one that says no chart was found", err)
	}
}

func TestBrokenChartNamesIt(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "Chart.yaml"), []byte("apiVersion: v2\nname: broken\nversion: not-semver\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := chartrepo.Build(dir, t.TempDir(), chartrepo.Options{})
	if err == nil || !strings.Contains(err.Error(), "packaging the chart "+bad) {
		t.Errorf("error = %v, want one naming %s", err, bad)
	}
}
