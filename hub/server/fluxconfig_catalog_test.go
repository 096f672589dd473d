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

package server_test

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/internal/syncbuf"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
)

// TestACatalogWithoutFluxIsReportedOnce: the kinds are built once at start-up, so the
// warning that the catalog has no Flux extension type is logged once, not at every PUT.
func TestACatalogWithoutFluxIsReportedOnce(t *testing.T) {
	file, logs := filepath.Join(t.TempDir(), "catalog.yaml"), &syncbuf.Buffer{}
	writeCatalog(t, file, "1.0.0", "0.1.0")
	th := startHub(t, hubtest.Options{Configure: func(cfg *server.Config) {
		cfg.CatalogFile, cfg.Log = file, slog.New(slog.NewTextHandler(logs, nil))
	}})
	th.createCluster(sub, rg, "c1")
	for _, name := range []string{"first", "second"} {
		if r := th.do(http.MethodPut, fluxPath("c1", name)+apiExt, th.AdminToken, fluxBody("https://github.com/org/repo", nil)); r.status != http.StatusCreated {
			t.Fatalf("PUT %s: %d %s", name, r.status, r.raw)
		}
	}
	if n := strings.Count(logs.String(), "The catalog has no Flux extension type"); n != 1 {
		t.Errorf("the warning was logged %d times, want once:\n%s", n, logs)
	}
}
