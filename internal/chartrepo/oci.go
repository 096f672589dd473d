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

package chartrepo

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/registry"
)

// PushOCI pushes every chart archive in dir to the OCI repository repo (host[:port]/path,
// with or without oci://) as repo/<name>:<version>, as helm push does: the layout of the
// hub catalog's oci:// repositories (oci://ghcr.io/kubearc/charts in the built-in one).
// Credentials come from helm registry login, else the Docker config. A non-zero created
// stamps the manifests, so the same archives give the same digests. It returns the pushed
// references.
func PushOCI(dir, repo string, created time.Time, opts ...registry.ClientOption) ([]string, error) {
	archives, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil || len(archives) == 0 {
		return nil, fmt.Errorf("no chart archive in %s: run make charts first", dir)
	}
	client, err := registry.NewClient(append([]registry.ClientOption{registry.ClientOptWriter(io.Discard)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("creating the OCI registry client: %w", err)
	}
	var pushOpts []registry.PushOption
	if !created.IsZero() {
		pushOpts = append(pushOpts, registry.PushOptCreationTime(created.UTC().Format(time.RFC3339)))
	}
	repo = strings.TrimSuffix(strings.TrimPrefix(repo, registry.OCIScheme+"://"), "/")
	pushed := make([]string, 0, len(archives))
	for _, archive := range archives {
		data, err := os.ReadFile(archive)
		if err != nil {
			return nil, err
		}
		c, err := loader.LoadArchive(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("reading the chart archive %s: %w", archive, err)
		}
		ref := repo + "/" + c.Metadata.Name + ":" + c.Metadata.Version
		if _, err := client.Push(data, ref, pushOpts...); err != nil {
			return nil, fmt.Errorf("pushing %s to oci://%s: %w", filepath.Base(archive), ref, err)
		}
		pushed = append(pushed, registry.OCIScheme+"://"+ref)
	}
	return pushed, nil
}
