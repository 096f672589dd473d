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
	"io"
	"log"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	ociregistry "github.com/google/go-containerregistry/pkg/registry"
	"helm.sh/helm/v4/pkg/registry"

	"github.com/kubearc/kubearc/internal/chartrepo"
	"github.com/kubearc/kubearc/internal/helm"
)

// TestPushedChartsAreWhereAnOCICatalogLooks: every packaged chart pushed to an OCI registry
// is at <repository>/<name>:<version>, where the agent's chart source pulls it from for a
// catalog entry oci://<repository>.
func TestPushedChartsAreWhereAnOCICatalogLooks(t *testing.T) {
	out, _ := build(t, chartrepo.Options{ModTime: stamp})
	srv := httptest.NewServer(ociregistry.New(ociregistry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	repo := "oci://" + strings.TrimPrefix(srv.URL, "http://") + "/kubearc/charts"
	pushed, err := chartrepo.PushOCI(out, repo, stamp, registry.ClientOptPlainHTTP())
	if err != nil {
		t.Fatalf("PushOCI: %v", err)
	}
	src := &helm.ChartSource{CacheDir: t.TempDir(), PlainHTTPRegistries: true}
	for name, version := range sourceCharts(t) {
		if !slices.Contains(pushed, repo+"/"+name+":"+version) {
			t.Errorf("pushed %v, lacks %s/%s:%s", pushed, repo, name, version)
		}
		c, err := src.Fetch(t.Context(), helm.ChartRef{Repository: repo, Name: name, Version: version})
		if err != nil {
			t.Errorf("pulling %s %s back: %v", name, version, err)
			continue
		}
		if c.Metadata.Name != name || c.Metadata.Version != version {
			t.Errorf("pulled %s %s, want %s %s", c.Metadata.Name, c.Metadata.Version, name, version)
		}
	}
}

func TestPushOCIWithoutArchives(t *testing.T) {
	if _, err := chartrepo.PushOCI(t.TempDir(), "localhost:5000/charts", stamp); err == nil || !strings.Contains(err.Error(), "run make charts first") {
		t.Errorf("error = %v, want one that says to run make charts", err)
	}
}
