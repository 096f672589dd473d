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
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/kubearc/kubearc/internal/ociimage"
)

func spec(t *testing.T, name string) ociimage.Spec {
	t.Helper()
	specs, err := ociimage.Lookup([]string{name})
	if err != nil {
		t.Fatal(err)
	}
	return specs[0]
}

// fakeBinaries stand in for spec's compiled programs where only the image's layout is
// checked, each holding its name; release_test.go builds and runs the real agent.
func fakeBinaries(t *testing.T, spec ociimage.Spec) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, b := range spec.Binaries() {
		out[b.Name] = filepath.Join(t.TempDir(), b.Name)
		if err := os.WriteFile(out[b.Name], []byte(b.Name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestScratchBaseHoldsWhatAStaticProgramNeeds(t *testing.T) {
	ca := testCAPEM(t)
	img, err := scratch(t, ca)(arm64)
	if err != nil {
		t.Fatal(err)
	}
	fs := files(t, img)
	if got := fs["etc/ssl/certs/ca-certificates.crt"]; !bytes.Equal(got.data, ca) {
		t.Errorf("CA bundle = %q, want the given PEM", got.data)
	}
	if !strings.Contains(string(fs["etc/passwd"].data), "nonroot:x:65532:65532:") ||
		!strings.Contains(string(fs["etc/group"].data), "nonroot:x:65532:") {
		t.Errorf("passwd %q / group %q lack nonroot 65532", fs["etc/passwd"].data, fs["etc/group"].data)
	}
	for name, want := range map[string]struct {
		mode int64
		uid  int
	}{"tmp": {0o1777, 0}, "home/nonroot": {0o700, 65532}, "root": {0o700, 0}} {
		h := fs[name].header
		if h == nil || h.Typeflag != tar.TypeDir || h.Mode != want.mode || h.Uid != want.uid || h.Gid != want.uid {
			t.Errorf("%s = %+v, want a directory, mode %o, owned by %d", name, h, want.mode, want.uid)
		}
	}
	if env := config(t, img).Config.Env; !slices.Contains(env, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt") {
		t.Errorf("env = %v, want SSL_CERT_FILE", env)
	}
}

func TestScratchRefusesABundleWithoutCertificates(t *testing.T) {
	for name, ca := range map[string][]byte{"empty": nil, "not PEM": []byte("hello"), "a key": []byte("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")} {
		if _, err := ociimage.Scratch(ca, testRelease.Created); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
			t.Errorf("%s: error = %v, want one that says the bundle holds no certificate", name, err)
		}
	}
}

// TestHubImageLikeItsDockerfile: the hub's image is configured as build/hub/Dockerfile
// configures it, for the platform asked.
func TestHubImageLikeItsDockerfile(t *testing.T) {
	base, err := scratch(t, testCAPEM(t))(arm64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := ociimage.Image(spec(t, ociimage.HubName), base, fakeBinaries(t, spec(t, ociimage.HubName)), arm64, testRelease)
	if err != nil {
		t.Fatal(err)
	}
	cf := config(t, img)
	c := cf.Config
	if cf.OS != "linux" || cf.Architecture != "arm64" || !cf.Created.Equal(testRelease.Created) {
		t.Errorf("platform %s/%s created %s, want linux/arm64 at %s", cf.OS, cf.Architecture, cf.Created, testRelease.Created)
	}
	if c.User != "65532:65532" || !reflect.DeepEqual(c.Entrypoint, []string{"/kubearc-hub"}) || !reflect.DeepEqual(c.Cmd, []string{"serve"}) {
		t.Errorf("user %q entrypoint %v cmd %v, want 65532:65532 [/kubearc-hub] [serve]", c.User, c.Entrypoint, c.Cmd)
	}
	if c.WorkingDir != "/var/lib/kubearc-hub" || !slices.Contains(c.Env, "KUBEARC_HUB_DATA_DIR=/var/lib/kubearc-hub") ||
		!slices.Contains(c.Env, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt") {
		t.Errorf("workdir %q env %v, want the data directory and the base's SSL_CERT_FILE", c.WorkingDir, c.Env)
	}
	if _, ok := c.ExposedPorts["8443/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 8443/tcp", c.ExposedPorts)
	}
	for k, v := range map[string]string{
		"org.opencontainers.image.title": "kubearc-hub", "org.opencontainers.image.source": "https://github.com/kubearc/kubearc",
		"org.opencontainers.image.version": "v0.0.0-imagetest", "org.opencontainers.image.revision": "0123456789abcdef",
	} {
		if c.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
		}
	}
	fs := files(t, img)
	if h := fs["var/lib/kubearc-hub"].header; h == nil || h.Mode != 0o700 || h.Uid != 65532 {
		t.Errorf("data directory = %+v, want mode 700 owned by 65532", h)
	}
	if f := fs["kubearc-hub"]; f.header == nil || f.header.Mode != 0o755 || string(f.data) != "kubearc-hub" {
		t.Errorf("/kubearc-hub = %+v, want the binary, mode 755", f.header)
	}
}

func TestSameInputsSameDigest(t *testing.T) {
	ca := testCAPEM(t)
	bins := fakeBinaries(t, spec(t, ociimage.AgentName))
	digest := func() v1.Hash {
		base, err := scratch(t, ca)(amd64)
		if err != nil {
			t.Fatal(err)
		}
		img, err := ociimage.Image(spec(t, ociimage.AgentName), base, bins, amd64, testRelease)
		if err != nil {
			t.Fatal(err)
		}
		idx := ociimage.Index([]v1.Image{img}, []v1.Platform{amd64}, nil)
		d, err := idx.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if a, b := digest(), digest(); a != b {
		t.Errorf("two builds of the same inputs: %s and %s", a, b)
	}
}

// TestGivenBaseFromALayout: a base image given as an OCI layout gives each platform its own
// image, and the base's settings stay under kubearc's.
func TestGivenBaseFromALayout(t *testing.T) {
	scratchBase := scratch(t, testCAPEM(t))
	images := make([]v1.Image, 0, 2)
	for _, p := range []v1.Platform{amd64, arm64} {
		img, err := scratchBase(p)
		if err != nil {
			t.Fatal(err)
		}
		cf := config(t, img).DeepCopy()
		cf.OS, cf.Architecture = p.OS, p.Architecture
		cf.Config.Env = append(cf.Config.Env, "FROM_BASE=yes")
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		images = append(images, img)
	}
	dir := t.TempDir()
	if _, err := layout.Write(dir, ociimage.Index(images, []v1.Platform{amd64, arm64}, nil)); err != nil {
		t.Fatal(err)
	}
	given, err := ociimage.Given(dir)
	if err != nil {
		t.Fatal(err)
	}
	base, err := given(arm64)
	if err != nil {
		t.Fatalf("the layout's arm64 image: %v", err)
	}
	img, err := ociimage.Image(spec(t, ociimage.AgentName), base, fakeBinaries(t, spec(t, ociimage.AgentName)), arm64, testRelease)
	if err != nil {
		t.Fatal(err)
	}
	if c := config(t, img); c.Architecture != "arm64" || !slices.Contains(c.Config.Env, "FROM_BASE=yes") || c.Config.User != "65532:65532" {
		t.Errorf("arch %s env %v user %q, want arm64 with the base's env, as nonroot", c.Architecture, c.Config.Env, c.Config.User)
	}
	if _, err := given(v1.Platform{OS: "linux", Architecture: "s390x"}); err == nil || !strings.Contains(err.Error(), "no image for linux/s390x") {
		t.Errorf("a platform the base lacks: error = %v, want one naming it", err)
	}
}

func TestGivenBaseThatIsNeitherALayoutNorAReference(t *testing.T) {
	if _, err := ociimage.Given("Not A Reference!"); err == nil || !strings.Contains(err.Error(), "neither an OCI layout directory nor an image reference") {
		t.Errorf("error = %v, want one that says what a base can be", err)
	}
}

func TestParsePlatforms(t *testing.T) {
	got, err := ociimage.ParsePlatforms("linux/amd64, linux/arm64")
	if err != nil || !reflect.DeepEqual(got, []v1.Platform{amd64, arm64}) {
		t.Errorf("ParsePlatforms = %v, %v", got, err)
	}
	for _, bad := range []string{"", "windows/amd64", "linux"} {
		if _, err := ociimage.ParsePlatforms(bad); err == nil || !strings.Contains(err.Error(), "want os/arch with os linux") {
			t.Errorf("ParsePlatforms(%q) error = %v, want one that says what a platform is", bad, err)
		}
	}
}

func TestLookupUnknownImage(t *testing.T) {
	if _, err := ociimage.Lookup([]string{"kubearc-agnet"}); err == nil || !strings.Contains(err.Error(), "kubearc builds kubearc-agent and kubearc-hub") {
		t.Errorf("error = %v, want the images kubearc builds", err)
	}
}

func TestReadLayoutSaysWhatToDo(t *testing.T) {
	if _, _, err := ociimage.ReadLayout(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "run make images first") {
		t.Errorf("missing layout: error = %v", err)
	}
	dir := t.TempDir()
	if _, err := layout.Write(dir, ociimage.Index(nil, nil, nil)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ociimage.ReadLayout(dir); err == nil || !strings.Contains(err.Error(), "rebuild it with make images") {
		t.Errorf("foreign layout: error = %v", err)
	}
}

// TestAgentImageHoldsTheInstaller: the agent starts kubearc-installer from beside itself.
func TestAgentImageHoldsTheInstaller(t *testing.T) {
	agent := spec(t, ociimage.AgentName)
	base, err := scratch(t, testCAPEM(t))(amd64)
	if err != nil {
		t.Fatal(err)
	}
	bins := fakeBinaries(t, agent)
	img, err := ociimage.Image(agent, base, bins, amd64, testRelease)
	if err != nil {
		t.Fatal(err)
	}
	fs := files(t, img)
	for _, name := range []string{"kubearc-agent", "kubearc-installer"} {
		if f := fs[name]; f.header == nil || f.header.Mode != 0o755 || string(f.data) != name {
			t.Errorf("/%s = %+v, want the binary, mode 755", name, f.header)
		}
	}
	delete(bins, "kubearc-installer")
	if _, err := ociimage.Image(agent, base, bins, amd64, testRelease); err == nil || !strings.Contains(err.Error(), "no kubearc-installer binary") {
		t.Errorf("without the installer: error = %v, want one naming it", err)
	}
}
