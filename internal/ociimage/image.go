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
	"fmt"
	"maps"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image puts spec's binaries (their files by name: the entrypoint's and its helpers') in
// the root of base and configures the image for platform p: user nonroot (65532),
// entrypoint, arguments, environment, working directory, ports and the OCI labels of r.
func Image(spec Spec, base v1.Image, binaries map[string]string, p v1.Platform, r Release) (v1.Image, error) {
	mt, err := layerMediaType(base)
	if err != nil {
		return nil, fmt.Errorf("reading the base image: %w", err)
	}
	files, err := appFiles(spec, binaries)
	if err != nil {
		return nil, err
	}
	app, err := newLayer(files, r.Created, mt)
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(base, mutate.Addendum{Layer: app, MediaType: mt, History: v1.History{
		Created: v1.Time{Time: r.Created}, CreatedBy: "kubearc: " + spec.Entrypoint(),
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: r.Created}
	configure(&cf.Config, spec, r)
	return mutate.ConfigFile(img, cf)
}

// configure sets spec's settings over the base image's.
func configure(c *v1.Config, spec Spec, r Release) {
	c.Entrypoint = []string{spec.Entrypoint()}
	c.Cmd = spec.Cmd
	c.User = fmt.Sprintf("%d:%d", NonRoot, NonRoot)
	c.Env = mergeEnv(c.Env, spec.Env)
	c.WorkingDir = "/"
	if spec.DataDir != "" {
		c.WorkingDir = spec.DataDir
	}
	if len(spec.Ports) > 0 && c.ExposedPorts == nil {
		c.ExposedPorts = map[string]struct{}{}
	}
	for _, port := range spec.Ports {
		c.ExposedPorts[port] = struct{}{}
	}
	if c.Labels == nil {
		c.Labels = map[string]string{}
	}
	maps.Copy(c.Labels, spec.Labels(r))
}

// mergeEnv returns base with each NAME=value of add replacing base's NAME.
func mergeEnv(base, add []string) []string {
	out := make([]string, 0, len(base)+len(add))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if !hasVar(add, name) {
			out = append(out, kv)
		}
	}
	return append(out, add...)
}

func hasVar(env []string, name string) bool {
	for _, kv := range env {
		if n, _, _ := strings.Cut(kv, "="); n == name {
			return true
		}
	}
	return false
}

// appFiles are the binaries, and the data directory with its parents when spec has one.
func appFiles(spec Spec, binaries map[string]string) ([]entry, error) {
	var files []entry
	if spec.DataDir != "" {
		rel := strings.TrimPrefix(path.Clean(spec.DataDir), "/")
		parts := strings.Split(rel, "/")
		for i := 1; i < len(parts); i++ {
			files = append(files, dir(strings.Join(parts[:i], "/"), 0o755, 0))
		}
		files = append(files, dir(rel, 0o700, NonRoot))
	}
	for _, bin := range spec.Binaries() {
		path, ok := binaries[bin.Name]
		if !ok {
			return nil, fmt.Errorf("no %s binary for the %s image", bin.Name, spec.Name)
		}
		files = append(files, entry{name: bin.Name, mode: 0o755, from: path})
	}
	return files, nil
}

// layerMediaType is the media type of a layer on base: OCI on an OCI image, Docker's on a
// Docker one, so that the manifest does not mix them.
func layerMediaType(base v1.Image) (types.MediaType, error) {
	mt, err := base.MediaType()
	if err != nil {
		return "", err
	}
	if mt == types.DockerManifestSchema2 {
		return types.DockerLayer, nil
	}
	return types.OCILayer, nil
}

// Index is the multi-platform image of images, each for the platform at the same position,
// annotated like the images' labels so that registries show them for the index too.
func Index(images []v1.Image, platforms []v1.Platform, annotations map[string]string) v1.ImageIndex {
	adds := make([]mutate.IndexAddendum, len(images))
	for i, img := range images {
		adds[i] = mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &platforms[i]}}
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	return mutate.Annotations(idx, annotations).(v1.ImageIndex)
}
