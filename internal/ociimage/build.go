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

package ociimage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// versionVar is the variable the version stamp sets, as the Makefile's LDFLAGS do.
const versionVar = "github.com/kubearc/kubearc/internal/version.Version"

// GoBuild compiles the main package pkg of the module in moduleDir for platform p into
// out, as a release is built: static (CGO_ENABLED=0), -trimpath, without symbol tables
// (-s -w), stamped with version. The flags do not depend on the checkout's path, so every
// clone on a machine shares the Go build cache.
func GoBuild(ctx context.Context, moduleDir, pkg string, p v1.Platform, version, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath",
		"-ldflags", "-s -w -X "+versionVar+"="+version, "-o", out, pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Architecture)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s for %s: %w\n%s", pkg, p, err, stderr.Bytes())
	}
	return nil
}

// Builder builds images from the Go module in ModuleDir.
type Builder struct {
	// ModuleDir is the root of the kubearc module.
	ModuleDir string
	// BinDir receives the compiled binaries, <name>-<os>-<arch>.
	BinDir string
	// Platforms are the platforms of every image.
	Platforms []v1.Platform
	// Base gives the image under the binary.
	Base Base
	// Release is stamped into the binaries and the images.
	Release Release
}

// Build compiles spec's binaries for every platform and returns the multi-platform image.
func (b Builder) Build(ctx context.Context, spec Spec) (v1.ImageIndex, error) {
	images := make([]v1.Image, len(b.Platforms))
	for i, p := range b.Platforms {
		bins := map[string]string{}
		for _, bin := range spec.Binaries() {
			bins[bin.Name] = filepath.Join(b.BinDir, fmt.Sprintf("%s-%s-%s", bin.Name, p.OS, p.Architecture))
			if err := GoBuild(ctx, b.ModuleDir, bin.Package, p, b.Release.Version, bins[bin.Name]); err != nil {
				return nil, err
			}
		}
		base, err := b.Base(p)
		if err != nil {
			return nil, err
		}
		if images[i], err = Image(spec, base, bins, p, b.Release); err != nil {
			return nil, fmt.Errorf("the %s image for %s: %w", spec.Name, p, err)
		}
	}
	return Index(images, b.Platforms, spec.Labels(b.Release)), nil
}
