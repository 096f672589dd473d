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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/ociimage"
)

type imagesOptions struct {
	out, registry, tag, version, revision, platforms, caFile, base string
	images                                                         []string
	created                                                        int64
}

func imagesCommand() *cobra.Command {
	var o imagesOptions
	cmd := &cobra.Command{
		Use:   "images",
		Short: "Build the agent and hub images as OCI layouts and docker-loadable tarballs",
		Long: "Build the images from the Go binaries (static, -trimpath, stripped) for every platform, on a\n" +
			"scratch base with CA certificates and the nonroot user (65532) or on --base, and write\n" +
			"<out>/<image> (an OCI layout with the multi-platform index) and\n" +
			"<out>/<image>-<tag>-<os>-<arch>.tar (docker load, kind load image-archive, ctr images import).\n" +
			"Run from the repository's root.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("ca-file") && o.base != "" {
				return errors.New("--ca-file is for the scratch base; a --base image brings its own CA certificates")
			}
			return buildImages(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "bin/images", "directory of the OCI layouts and tarballs")
	f.StringSliceVar(&o.images, "images", []string{ociimage.AgentName, ociimage.HubName}, "images to build")
	f.StringVar(&o.platforms, "platforms", "linux/amd64,linux/arm64", "platforms of every image, comma-separated")
	f.StringVar(&o.registry, "registry", ociimage.DefaultRegistry, "registry and path the images are named for: <registry>/<image>:<tag>")
	f.StringVar(&o.tag, "tag", "", "image tag; empty means the agent chart's appVersion, the tag the chart installs by default")
	f.StringVar(&o.version, "version", "dev", "version stamped into the binaries, as make build does")
	f.StringVar(&o.revision, "revision", "", "the source's commit, the org.opencontainers.image.revision label")
	f.Int64Var(&o.created, "created", 0, "creation time in Unix seconds; 0 means $SOURCE_DATE_EPOCH, else now. The same value makes the same images")
	f.StringVar(&o.caFile, "ca-file", ociimage.CABundlePath, "CA certificates (PEM) put into the scratch base")
	f.StringVar(&o.base, "base", "", "base image instead of scratch: an OCI layout directory or an image reference such as gcr.io/distroless/static:nonroot")
	return cmd
}

// creationTime is the time flag's value, else $SOURCE_DATE_EPOCH (the reproducible-builds
// convention), else now.
func creationTime(flag int64) time.Time {
	if flag != 0 {
		return time.Unix(flag, 0).UTC()
	}
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(s, 0).UTC()
	}
	return time.Now().UTC().Truncate(time.Second)
}

func buildImages(ctx context.Context, w io.Writer, o imagesOptions) error {
	b, specs, err := newBuilder(o)
	if err != nil {
		return err
	}
	defer os.RemoveAll(b.BinDir)
	if strings.TrimPrefix(o.version, "v") != b.Release.Tag {
		fmt.Fprintf(w, "Note: the binaries say version %s, the images are tagged %s; for a release, tag the commit v%s.\n",
			o.version, b.Release.Tag, b.Release.Tag)
	}
	for _, spec := range specs {
		ref, err := name.NewTag(o.registry + "/" + spec.Name + ":" + b.Release.Tag)
		if err != nil {
			return fmt.Errorf("invalid --registry %q or --tag %q: %w", o.registry, b.Release.Tag, err)
		}
		if err := buildImage(ctx, w, b, spec, ref, o.out); err != nil {
			return err
		}
	}
	return nil
}

func buildImage(ctx context.Context, w io.Writer, b ociimage.Builder, spec ociimage.Spec, ref name.Tag, out string) error {
	idx, err := b.Build(ctx, spec)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, spec.Name)
	if err := ociimage.WriteLayout(dir, idx, ref); err != nil {
		return err
	}
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s@%s (OCI layout)\n", dir, ref, digest)
	tarballs, err := ociimage.WriteTarballs(out, idx, ref)
	if err != nil {
		return err
	}
	for _, t := range tarballs {
		fmt.Fprintf(w, "%s: %s (image tarball)\n", t, ref)
	}
	return nil
}

// newBuilder checks the options and sets up the builder and the images' specs.
func newBuilder(o imagesOptions) (ociimage.Builder, []ociimage.Spec, error) {
	specs, err := ociimage.Lookup(o.images)
	if err != nil {
		return ociimage.Builder{}, nil, err
	}
	platforms, err := ociimage.ParsePlatforms(o.platforms)
	if err != nil {
		return ociimage.Builder{}, nil, err
	}
	tag := o.tag
	if tag == "" {
		if tag, err = ociimage.DefaultTag(); err != nil {
			return ociimage.Builder{}, nil, err
		}
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return ociimage.Builder{}, nil, errors.New("run this from the repository's root (make images does)")
	}
	created := creationTime(o.created)
	base, err := newBase(o, created)
	if err != nil {
		return ociimage.Builder{}, nil, err
	}
	binDir, err := os.MkdirTemp("", "kubearc-images-")
	if err != nil {
		return ociimage.Builder{}, nil, err
	}
	return ociimage.Builder{
		ModuleDir: ".", BinDir: binDir, Platforms: platforms, Base: base,
		Release: ociimage.Release{Version: o.version, Tag: tag, Revision: o.revision, Created: created},
	}, specs, nil
}

func newBase(o imagesOptions, created time.Time) (ociimage.Base, error) {
	if o.base != "" {
		return ociimage.Given(o.base)
	}
	ca, err := os.ReadFile(o.caFile)
	if err != nil {
		return nil, fmt.Errorf("reading the CA certificates for the scratch base: %w; give a PEM bundle with --ca-file", err)
	}
	base, err := ociimage.Scratch(ca, created)
	if err != nil {
		return nil, fmt.Errorf("--ca-file %s: %w", o.caFile, err)
	}
	return base, nil
}
