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

// Package ociimage builds kubearc's container images as multi-platform OCI images straight
// from the Go binaries, with no Docker engine: a static binary on a base that is built here
// (scratch plus CA certificates and a passwd entry for the nonroot user) or given, written
// as an OCI layout and docker-loadable tarballs, and pushed to a registry.
package ociimage

import (
	"fmt"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/kubearc/kubearc/charts"
)

// DefaultRegistry is where the released images live; the agent chart's image.repository is
// DefaultRegistry/kubearc-agent.
const DefaultRegistry = "ghcr.io/kubearc"

// NonRoot is the user and group the images run as: distroless's "nonroot", which the agent
// chart's podSecurityContext names too.
const NonRoot = 65532

// AgentName and HubName are the images' names, which are also their binaries' names.
const (
	AgentName = "kubearc-agent"
	HubName   = "kubearc-hub"
)

// Spec is one of kubearc's images: which Go main package it runs, and how.
type Spec struct {
	// Name is the image's name in a registry; its binary is /Name, the entrypoint.
	Name string
	// Package is the Go main package, relative to the module root.
	Package string
	// Description is the image's org.opencontainers.image.description.
	Description string
	// Cmd is the default argument list after the entrypoint.
	Cmd []string
	// Env holds NAME=value variables set in the image.
	Env []string
	// DataDir, when set, is a directory owned by the nonroot user (mode 0700) and the
	// working directory; a volume is meant to be mounted over it.
	DataDir string
	// Ports are the ports the program listens on, like "8443/tcp".
	Ports []string
	// Helpers are programs put beside the entrypoint, which it starts.
	Helpers []Binary
}

// Binary is a Go main package and the name of its executable.
type Binary struct {
	Name    string
	Package string
}

// Entrypoint is the path of the binary in the image.
func (s Spec) Entrypoint() string { return "/" + s.Name }

// Binaries are the entrypoint's binary and its helpers.
func (s Spec) Binaries() []Binary {
	return append([]Binary{{Name: s.Name, Package: s.Package}}, s.Helpers...)
}

// Specs are the images kubearc releases, the same as build/*/Dockerfile build with Docker.
func Specs() []Spec {
	return []Spec{{
		Name:        AgentName,
		Package:     ".",
		Description: "The in-cluster agent that connects a Kubernetes cluster to a kubearc hub.",
		// The agent runs each Helm action in kubearc-installer, which it looks for beside itself.
		Helpers: []Binary{{Name: "kubearc-installer", Package: "./cmd/kubearc-installer"}},
	}, {
		Name:        HubName,
		Package:     "./cmd/kubearc-hub",
		Description: "The kubearc control plane (ARM API, agent API, tunnel).",
		Cmd:         []string{"serve"},
		Env:         []string{"KUBEARC_HUB_DATA_DIR=/var/lib/kubearc-hub"},
		DataDir:     "/var/lib/kubearc-hub",
		Ports:       []string{"8443/tcp"},
	}}
}

// Lookup returns the specs of the named images, in that order.
func Lookup(names []string) ([]Spec, error) {
	all := Specs()
	var out []Spec
	for _, n := range names {
		i := slices.IndexFunc(all, func(s Spec) bool { return s.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown image %q: kubearc builds %s", n, strings.Join(specNames(all), " and "))
		}
		out = append(out, all[i])
	}
	return out, nil
}

func specNames(specs []Spec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names
}

// DefaultPlatforms are the platforms a release covers.
func DefaultPlatforms() []v1.Platform {
	return []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}
}

// ParsePlatforms reads a comma-separated list like "linux/amd64,linux/arm64".
func ParsePlatforms(list string) ([]v1.Platform, error) {
	var out []v1.Platform
	for _, s := range strings.Split(list, ",") {
		p, err := v1.ParsePlatform(strings.TrimSpace(s))
		if err != nil || p.OS != "linux" || p.Architecture == "" {
			return nil, fmt.Errorf("invalid platform %q: want os/arch with os linux, like linux/amd64", s)
		}
		out = append(out, *p)
	}
	return out, nil
}

// DefaultTag is the tag the agent chart's default image.tag stands for: the chart's
// appVersion. Images built with it are the ones the chart installs without overrides.
func DefaultTag() (string, error) {
	c, err := charts.Agent()
	if err != nil {
		return "", err
	}
	return c.Metadata.AppVersion, nil
}

// Release is what a build stamps into the binaries and the images.
type Release struct {
	// Version is the binaries' version stamp (internal/version.Version).
	Version string
	// Tag is the images' tag.
	Tag string
	// Revision is the source's commit, the org.opencontainers.image.revision label.
	Revision string
	// Created is the images' creation time and their files' modification time; a fixed
	// value (the commit's time) makes the images reproducible.
	Created time.Time
}

// SourceURL is the org.opencontainers.image.source label.
const SourceURL = "https://github.com/kubearc/kubearc"

// Labels are the image's OCI labels.
func (s Spec) Labels(r Release) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       s.Name,
		"org.opencontainers.image.description": s.Description,
		"org.opencontainers.image.source":      SourceURL,
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.version":     r.Version,
		"org.opencontainers.image.revision":    r.Revision,
		"org.opencontainers.image.created":     r.Created.UTC().Format(time.RFC3339),
	}
}
