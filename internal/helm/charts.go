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

package helm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/getter"
	"helm.sh/helm/v4/pkg/registry"
	repo "helm.sh/helm/v4/pkg/repo/v1"

	"github.com/kubearc/kubearc/internal/helm/installer"
)

// ChartRef locates one version of a chart (installer.ChartRef).
type ChartRef = installer.ChartRef

// ChartSource fetches charts and keeps them in a cache directory, so that a chart version
// is downloaded once.
type ChartSource struct {
	// CacheDir holds the downloaded charts; it is created when missing.
	CacheDir string
	// Timeout bounds each download (default one minute).
	Timeout time.Duration
	// PlainHTTPRegistries lets OCI references reach registries over plain HTTP (tests, local
	// registries).
	PlainHTTPRegistries bool
	// UserAgent is sent with HTTP requests.
	UserAgent string
}

// Fetch returns the chart ref names, from the cache or its repository.
func (s *ChartSource) Fetch(ctx context.Context, ref ChartRef) (*chartv2.Chart, error) {
	if ref.Repository == "" || ref.Name == "" || ref.Version == "" {
		return nil, errors.New("the chart needs a repository, a name and a version")
	}
	path := s.cachePath(ref)
	if _, err := os.Stat(path); err != nil {
		data, err := s.download(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("fetching chart %s: %w", ref, err)
		}
		if err := writeAtomically(path, data); err != nil {
			return nil, fmt.Errorf("caching chart %s: %w", ref, err)
		}
	}
	chrt, err := loader.LoadFile(path)
	if err != nil {
		_ = os.Remove(path) // a corrupt download is fetched again next time
		return nil, fmt.Errorf("loading chart %s: %w", ref, err)
	}
	if chrt.Metadata.Name != ref.Name || chrt.Metadata.Version != ref.Version {
		return nil, fmt.Errorf("the repository %s served chart %s %s for %s %s", ref.Repository,
			chrt.Metadata.Name, chrt.Metadata.Version, ref.Name, ref.Version)
	}
	return chrt, nil
}

func (s *ChartSource) cachePath(ref ChartRef) string {
	sum := sha256.Sum256([]byte(strings.TrimSuffix(ref.Repository, "/")))
	return filepath.Join(s.CacheDir, hex.EncodeToString(sum[:8]), ref.Name+"-"+ref.Version+".tgz")
}

func (s *ChartSource) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return time.Minute
}

func (s *ChartSource) download(ctx context.Context, ref ChartRef) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if strings.HasPrefix(ref.Repository, registry.OCIScheme+"://") {
		return s.pullOCI(ref)
	}
	return s.downloadHTTP(ref)
}

// downloadHTTP reads the repository's index, finds the version and downloads its archive.
func (s *ChartSource) downloadHTTP(ref ChartRef) ([]byte, error) {
	g, err := getter.NewHTTPGetter(getter.WithTimeout(s.timeout()), getter.WithUserAgent(s.UserAgent))
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(ref.Repository, "/")
	index, err := s.loadIndex(g, base)
	if err != nil {
		return nil, err
	}
	version, err := index.Get(ref.Name, ref.Version)
	if err != nil || version.Version != ref.Version || len(version.URLs) == 0 {
		return nil, fmt.Errorf("the repository %s has no chart %s version %s: check the chart's name and version", ref.Repository, ref.Name, ref.Version)
	}
	chartURL, err := repo.ResolveReferenceURL(base+"/", version.URLs[0])
	if err != nil {
		return nil, fmt.Errorf("resolving the chart's URL %q: %w", version.URLs[0], err)
	}
	buf, err := g.Get(chartURL)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", chartURL, err)
	}
	return buf.Bytes(), nil
}

func (s *ChartSource) loadIndex(g getter.Getter, base string) (*repo.IndexFile, error) {
	buf, err := g.Get(base + "/index.yaml")
	if err != nil {
		return nil, fmt.Errorf("reading the repository index %s/index.yaml: %w; check the repository URL", base, err)
	}
	if err := os.MkdirAll(s.CacheDir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(s.CacheDir, "index-*.yaml")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	index, err := repo.LoadIndexFile(f.Name())
	if err != nil {
		return nil, fmt.Errorf("%s/index.yaml is not a chart repository index: %w", base, err)
	}
	return index, nil
}

// pullOCI pulls host/path/Name:Version from an OCI registry.
func (s *ChartSource) pullOCI(ref ChartRef) ([]byte, error) {
	opts := []registry.ClientOption{
		registry.ClientOptCredentialsFile(filepath.Join(s.CacheDir, "registry", "config.json")),
		registry.ClientOptWriter(&bytes.Buffer{}),
	}
	if s.PlainHTTPRegistries {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the OCI registry client: %w", err)
	}
	name := strings.TrimSuffix(strings.TrimPrefix(ref.Repository, registry.OCIScheme+"://"), "/") + "/" + ref.Name + ":" + ref.Version
	result, err := client.Pull(name)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", name, err)
	}
	return result.Chart.Data, nil
}

func writeAtomically(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
