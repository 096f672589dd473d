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

package ociimage_test

import (
	"bytes"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/kubearc/kubearc/internal/ociimage"
)

// TestAgentImageThroughARegistry builds the agent image as make images does (the real
// binary for linux/amd64 and linux/arm64; the Go build cache is shared with make images),
// writes its layout and tarballs, pushes it to a registry over HTTPS, pulls it back, checks
// what a runtime reads of it and runs the host platform's binary with --version.
func TestAgentImageThroughARegistry(t *testing.T) {
	host := v1.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
	platforms := ociimage.DefaultPlatforms()
	if !slices.ContainsFunc(platforms, host.Equals) {
		t.Fatalf("this test runs the image's agent binary, which needs a %v host; this one is %s", platforms, host)
	}
	ca := testCAPEM(t)
	b := ociimage.Builder{ModuleDir: "../..", BinDir: t.TempDir(), Platforms: platforms, Base: scratch(t, ca), Release: testRelease}
	idx, err := b.Build(t.Context(), spec(t, ociimage.AgentName))
	if err != nil {
		t.Fatalf("building the agent image: %v", err)
	}
	out := t.TempDir()
	ref, err := name.NewTag(ociimage.DefaultRegistry + "/kubearc-agent:" + testRelease.Tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := ociimage.WriteLayout(filepath.Join(out, "kubearc-agent"), idx, ref); err != nil {
		t.Fatal(err)
	}
	tarballs, err := ociimage.WriteTarballs(out, idx, ref)
	if err != nil {
		t.Fatal(err)
	}

	pulled := pushAndPull(t, filepath.Join(out, "kubearc-agent"))
	images := checkIndex(t, pulled, platforms)
	for i, img := range images {
		checkAgentConfig(t, img, platforms[i])
		checkTarball(t, tarballs[i], ref, img)
	}
	run := images[slices.IndexFunc(platforms, host.Equals)]
	runVersion(t, run, ca)
}

// pushAndPull pushes the layout to an in-process registry over HTTPS and pulls the index
// back by its tag.
func pushAndPull(t *testing.T, layoutDir string) v1.ImageIndex {
	t.Helper()
	srv := httptest.NewTLSServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	repo, err := name.NewRepository(strings.TrimPrefix(srv.URL, "https://") + "/kubearc/kubearc-agent")
	if err != nil {
		t.Fatal(err)
	}
	transport := remote.WithTransport(srv.Client().Transport)
	pushed, err := ociimage.PushLayout(t.Context(), layoutDir, repo, transport)
	if err != nil {
		t.Fatalf("pushing: %v", err)
	}
	pulled, err := remote.Index(repo.Tag(testRelease.Tag), transport, remote.WithContext(t.Context()))
	if err != nil {
		t.Fatalf("pulling %s:%s back: %v", repo, testRelease.Tag, err)
	}
	if d, err := pulled.Digest(); err != nil || d.String() != pushed.DigestStr() {
		t.Errorf("pulled index %s, pushed %s (%v)", d, pushed, err)
	}
	return pulled
}

// checkIndex asserts an OCI index with one image per platform, in order, and returns them.
func checkIndex(t *testing.T, idx v1.ImageIndex, platforms []v1.Platform) []v1.Image {
	t.Helper()
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIImageIndex || len(m.Manifests) != len(platforms) {
		t.Fatalf("index %s with %d manifests, want an OCI index of %d platforms", m.MediaType, len(m.Manifests), len(platforms))
	}
	if m.Annotations["org.opencontainers.image.source"] != ociimage.SourceURL {
		t.Errorf("index annotations = %v, want the source", m.Annotations)
	}
	images := make([]v1.Image, 0, len(m.Manifests))
	for i, d := range m.Manifests {
		if d.Platform == nil || !d.Platform.Equals(platforms[i]) || d.MediaType != types.OCIManifestSchema1 {
			t.Errorf("manifest %d: %s for %v, want an OCI image for %s", i, d.MediaType, d.Platform, platforms[i])
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, img)
	}
	return images
}

func checkAgentConfig(t *testing.T, img v1.Image, p v1.Platform) {
	t.Helper()
	cf := config(t, img)
	c := cf.Config
	if cf.OS != p.OS || cf.Architecture != p.Architecture {
		t.Errorf("config says %s/%s, want %s", cf.OS, cf.Architecture, p)
	}
	if c.User != "65532:65532" || !reflect.DeepEqual(c.Entrypoint, []string{"/kubearc-agent"}) || len(c.Cmd) != 0 {
		t.Errorf("%s: user %q entrypoint %v cmd %v, want 65532:65532 [/kubearc-agent] and no cmd", p, c.User, c.Entrypoint, c.Cmd)
	}
	for k, v := range map[string]string{
		"org.opencontainers.image.title": "kubearc-agent", "org.opencontainers.image.source": ociimage.SourceURL,
		"org.opencontainers.image.version": testRelease.Version, "org.opencontainers.image.revision": testRelease.Revision,
		"org.opencontainers.image.created": "2026-01-02T03:04:05Z",
	} {
		if c.Labels[k] != v {
			t.Errorf("%s: label %s = %q, want %q", p, k, c.Labels[k], v)
		}
	}
}

// checkTarball: the platform's tarball holds the same image under the chart's name.
func checkTarball(t *testing.T, path string, ref name.Tag, want v1.Image) {
	t.Helper()
	img, err := tarball.ImageFromPath(path, &ref)
	if err != nil {
		t.Fatalf("reading %s as %s: %v", path, ref, err)
	}
	got, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := want.ConfigName(); got != w {
		t.Errorf("%s holds config %s, the pushed image %s", path, got, w)
	}
}

// runVersion extracts the image's file system, checks the installer is beside the agent and
// runs the agent with --version.
func runVersion(t *testing.T, img v1.Image, ca []byte) {
	t.Helper()
	fs := files(t, img)
	if !bytes.Equal(fs["etc/ssl/certs/ca-certificates.crt"].data, ca) || !strings.Contains(string(fs["etc/passwd"].data), "nonroot:x:65532") {
		t.Error("the image lacks the CA bundle or the nonroot user")
	}
	agent := fs["kubearc-agent"]
	if agent.header == nil || agent.header.Mode != 0o755 {
		t.Fatalf("/kubearc-agent = %+v, want an executable", agent.header)
	}
	if installer := fs["kubearc-installer"]; installer.header == nil || installer.header.Mode != 0o755 || len(installer.data) == 0 {
		t.Errorf("/kubearc-installer = %+v, want the agent's Helm installer beside it", installer.header)
	}
	bin := filepath.Join(t.TempDir(), "kubearc-agent")
	if err := os.WriteFile(bin, agent.data, 0o755); err != nil { //nolint:gosec // an executable
		t.Fatal(err)
	}
	got, err := exec.CommandContext(t.Context(), bin, "--version").CombinedOutput()
	if want := "kubearc-agent version " + testRelease.Version + "\n"; err != nil || string(got) != want {
		t.Errorf("kubearc-agent --version = %q (%v), want %q", got, err, want)
	}
}
