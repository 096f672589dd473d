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

// Package localcluster starts a real Kubernetes control plane (kube-apiserver and etcd,
// through controller-runtime's envtest) with the project's CRDs installed: the cluster of the
// tests and of the quickstart.
package localcluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Start starts kube-apiserver and etcd with the CRDs from config/crd/bases installed.
// The binaries come from KUBEBUILDER_ASSETS, or else from bin/k8s/ in the repository, where
// `make envtest` builds them; so tests also run from an IDE or a plain `go test`.
func Start() (*envtest.Environment, *rest.Config, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, nil, err
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		env.BinaryAssetsDirectory, err = builtAssets(root)
		if err != nil {
			return nil, nil, err
		}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, nil, fmt.Errorf("starting envtest: %w", err)
	}
	return env, cfg, nil
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// builtAssets returns the newest bin/k8s/<version>-<os>-<arch> directory.
func builtAssets(root string) (string, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "bin", "k8s", "*-*-*"))
	if err != nil || len(dirs) == 0 {
		return "", errors.New("no envtest binaries in bin/k8s: run `make envtest` first, or set KUBEBUILDER_ASSETS")
	}
	sort.Strings(dirs)
	return dirs[len(dirs)-1], nil
}
