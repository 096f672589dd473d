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

package helm_test

import (
	"strings"
	"testing"

	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

func TestChartSourceFetchesFromAnHTTPRepositoryOnce(t *testing.T) {
	repo, err := helmtest.NewRepo(t.TempDir(), helmtest.ConfigMapChart("demo", "0.1.0", false), helmtest.ConfigMapChart("demo", "0.2.0", false))
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	src := &helm.ChartSource{CacheDir: t.TempDir()}

	for range 2 {
		chrt, err := src.Fetch(t.Context(), helm.ChartRef{Repository: repo.URL, Name: "demo", Version: "0.2.0"})
		if err != nil {
			t.Fatalf("Fetch() error = %v", err)
		}
		if chrt.Metadata.Version != "0.2.0" || len(chrt.Templates) != 1 {
			t.Fatalf("Fetch() = chart %s with %d templates, want 0.2.0 with 1", chrt.Metadata.Version, len(chrt.Templates))
		}
		if chrt.Values["greeting"] != "hi" {
			t.Errorf("the chart's default values = %v, want greeting: hi", chrt.Values)
		}
	}
	if n := repo.Downloads.Load(); n != 1 {
		t.Errorf("the chart was downloaded %d times, want once (then cached)", n)
	}
}

func TestChartSourceSaysWhatIsMissing(t *testing.T) {
	repo, err := helmtest.NewRepo(t.TempDir(), helmtest.ConfigMapChart("demo", "0.1.0", false))
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	src := &helm.ChartSource{CacheDir: t.TempDir()}
	tests := []struct {
		name string
		ref  helm.ChartRef
		want string
	}{
		{"unknown version", helm.ChartRef{Repository: repo.URL, Name: "demo", Version: "9.9.9"}, "has no chart demo version 9.9.9"},
		{"unknown chart", helm.ChartRef{Repository: repo.URL, Name: "other", Version: "0.1.0"}, "has no chart other version 0.1.0"},
		{"no repository there", helm.ChartRef{Repository: repo.URL + "/nothing", Name: "demo", Version: "0.1.0"}, "check the repository URL"},
		{"incomplete", helm.ChartRef{Name: "demo"}, "needs a repository, a name and a version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := src.Fetch(t.Context(), tt.ref)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Fetch() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
