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
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Base gives the image the binary is put on, for one platform.
type Base func(v1.Platform) (v1.Image, error)

// CABundlePath is where the images keep the CA certificates, as Debian and distroless do;
// Go's crypto/x509 looks there.
const CABundlePath = "/etc/ssl/certs/ca-certificates.crt"

// Scratch is a base made from nothing but what a static Go program needs, the same for
// every platform: the CA bundle caPEM (at least one certificate), /etc/passwd and
// /etc/group with root, nobody and nonroot (65532), /etc/nsswitch.conf, a sticky /tmp and
// nonroot's home: what distroless's static image holds.
func Scratch(caPEM []byte, created time.Time) (Base, error) {
	if !x509.NewCertPool().AppendCertsFromPEM(caPEM) {
		return nil, errors.New("the CA bundle holds no PEM certificate: give a file like /etc/ssl/certs/ca-certificates.crt")
	}
	l, err := newLayer(rootFiles(caPEM), created, types.OCILayer)
	if err != nil {
		return nil, err
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: l, MediaType: types.OCILayer, History: v1.History{
		Created: v1.Time{Time: created}, CreatedBy: "kubearc: CA certificates, passwd and group (nonroot 65532)",
	}})
	if err != nil {
		return nil, err
	}
	img, err = mutate.Config(img, v1.Config{Env: []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"SSL_CERT_FILE=" + CABundlePath,
	}})
	if err != nil {
		return nil, err
	}
	return func(v1.Platform) (v1.Image, error) { return img, nil }, nil
}

func rootFiles(caPEM []byte) []entry {
	return []entry{
		dir("etc", 0o755, 0),
		file("etc/passwd", []byte("root:x:0:0:root:/root:/sbin/nologin\n"+
			"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"+
			"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")),
		file("etc/group", []byte("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n")),
		file("etc/nsswitch.conf", []byte("hosts: files dns\n")),
		dir("etc/ssl", 0o755, 0),
		dir("etc/ssl/certs", 0o755, 0),
		file(CABundlePath[1:], caPEM),
		dir("home", 0o755, 0),
		dir("home/nonroot", 0o700, NonRoot),
		dir("root", 0o700, 0),
		dir("tmp", 0o1777, 0),
	}
}

// Given is a base image named by ref: an OCI layout directory, or an image reference
// pulled with the credentials of the Docker config (~/.docker/config.json). Each platform
// takes its own image from it.
func Given(ref string, opts ...remote.Option) (Base, error) {
	if info, err := os.Stat(ref); err == nil && info.IsDir() {
		idx, err := layout.ImageIndexFromPath(ref)
		if err != nil {
			return nil, fmt.Errorf("reading the base image's OCI layout %s: %w", ref, err)
		}
		return func(p v1.Platform) (v1.Image, error) {
			img, err := platformImage(idx, p)
			if err != nil {
				return nil, fmt.Errorf("the base image layout %s: %w", ref, err)
			}
			return img, nil
		}, nil
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("the base %q is neither an OCI layout directory nor an image reference: %w", ref, err)
	}
	opts = append([]remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
	return func(p v1.Platform) (v1.Image, error) {
		img, err := remote.Image(r, append(opts, remote.WithPlatform(p))...)
		if err != nil {
			return nil, fmt.Errorf("pulling the base image %s for %s: %w", r, p, err)
		}
		if err := checkPlatform(img, p); err != nil {
			return nil, fmt.Errorf("the base image %s: %w", r, err)
		}
		return img, nil
	}, nil
}

// platformImage finds p's image in idx, looking into nested indexes (a layout whose
// index.json names a multi-platform index).
func platformImage(idx v1.ImageIndex, p v1.Platform) (v1.Image, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := platformImage(child, p); err == nil {
				return img, nil
			}
		case d.MediaType.IsImage() && (d.Platform == nil || d.Platform.Satisfies(p)):
			img, err := idx.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			if checkPlatform(img, p) == nil {
				return img, nil
			}
		}
	}
	return nil, fmt.Errorf("no image for %s", p)
}

// checkPlatform makes sure a base image is for p, as its config says.
func checkPlatform(img v1.Image, p v1.Platform) error {
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	if cf.OS != p.OS || cf.Architecture != p.Architecture {
		return fmt.Errorf("it is for %s/%s, not %s", cf.OS, cf.Architecture, p)
	}
	return nil
}
