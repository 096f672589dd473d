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
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Annotations of an image index in an OCI layout's index.json: its tag (what
// skopeo's and crane's oci:DIR:TAG name), and its whole reference (what containerd imports).
const (
	refNameAnnotation        = "org.opencontainers.image.ref.name"
	containerdNameAnnotation = "io.containerd.image.name"
)

// WriteLayout writes idx and its platform images as the OCI layout dir, replacing what was
// there.
func WriteLayout(dir string, idx v1.ImageIndex, ref name.Tag) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("writing the OCI layout %s: %w", dir, err)
	}
	err = p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		refNameAnnotation: ref.TagStr(), containerdNameAnnotation: ref.Name(),
	}))
	if err != nil {
		return fmt.Errorf("writing %s to the OCI layout %s: %w", ref, dir, err)
	}
	return nil
}

// ReadLayout reads the image index that WriteLayout wrote to dir, and its tag.
func ReadLayout(dir string) (v1.ImageIndex, string, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, "", fmt.Errorf("reading the OCI layout %s (run make images first): %w", dir, err)
	}
	m, err := top.IndexManifest()
	if err != nil {
		return nil, "", err
	}
	if len(m.Manifests) != 1 || !m.Manifests[0].MediaType.IsIndex() || m.Manifests[0].Annotations[refNameAnnotation] == "" {
		return nil, "", fmt.Errorf("the OCI layout %s does not hold one tagged multi-platform image: rebuild it with make images", dir)
	}
	d := m.Manifests[0]
	idx, err := top.ImageIndex(d.Digest)
	if err != nil {
		return nil, "", fmt.Errorf("reading the OCI layout %s: %w", dir, err)
	}
	return idx, d.Annotations[refNameAnnotation], nil
}

// WriteTarballs writes each platform's image of idx as dir/<name>-<tag>-<os>-<arch>.tar,
// tagged ref, which docker load, kind load image-archive and ctr images import read. It
// returns the files' paths.
func WriteTarballs(dir string, idx v1.ImageIndex, ref name.Tag) ([]string, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, d := range m.Manifests {
		if d.Platform == nil {
			return nil, fmt.Errorf("the index of %s has an image without a platform", ref)
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			return nil, err
		}
		repo := ref.Context().RepositoryStr()
		path := filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%s.tar", filepath.Base(repo), ref.TagStr(), d.Platform.OS, d.Platform.Architecture))
		if err := writeTarball(path, ref, img); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// writeTarball writes through a temporary file, so that a failed build leaves no
// truncated tarball behind.
func writeTarball(path string, ref name.Tag, img v1.Image) error {
	tmp := path + ".tmp"
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// PushLayout pushes the image index of the OCI layout dir, with its platform images, to
// repo:<its tag>, with the credentials of the Docker config (~/.docker/config.json) unless
// opts say otherwise. It returns the pushed index's reference by digest.
func PushLayout(ctx context.Context, dir string, repo name.Repository, opts ...remote.Option) (name.Digest, error) {
	idx, tag, err := ReadLayout(dir)
	if err != nil {
		return name.Digest{}, err
	}
	ref := repo.Tag(tag)
	opts = append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
	if err := remote.WriteIndex(ref, idx, opts...); err != nil {
		return name.Digest{}, fmt.Errorf("pushing %s: %w", ref, err)
	}
	digest, err := idx.Digest()
	if err != nil {
		return name.Digest{}, err
	}
	return repo.Digest(digest.String()), nil
}
