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

package catalog

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// build validates a parsed catalog file and returns the catalog.
func build(f *file) (*Catalog, error) {
	if f.Agent == nil {
		return nil, errors.New("the agent section is missing: list the kubearc-agent chart and its versions per release train")
	}
	agent, err := buildPackage(f.Agent)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	c := &Catalog{agent: agent}
	seen := map[string]bool{}
	for i := range f.ExtensionTypes {
		t, err := buildType(&f.ExtensionTypes[i])
		if err != nil {
			return nil, err
		}
		for _, n := range append([]string{t.Name}, t.Aliases...) {
			if seen[strings.ToLower(n)] {
				return nil, fmt.Errorf("extension type %q: the name %q is used twice", t.Name, n)
			}
			seen[strings.ToLower(n)] = true
		}
		c.types = append(c.types, t)
	}
	return c, c.checkResourceTypes()
}

// checkResourceTypes refuses an ARM resource type served by two extension types: a resource
// on a custom location must map to one custom resource.
func (c *Catalog) checkResourceTypes() error {
	servedBy := map[string]string{}
	for _, t := range c.types {
		if t.CustomLocations == nil {
			continue
		}
		for _, rt := range t.CustomLocations.ResourceTypes {
			key := strings.ToLower(rt.Type)
			if other, ok := servedBy[key]; ok {
				return fmt.Errorf("resource type %s is served by both %q and %q", rt.Type, other, t.Name)
			}
			servedBy[key] = t.Name
		}
	}
	return nil
}

func buildType(e *typeEntry) (*ExtensionType, error) {
	if e.Name == "" {
		return nil, errors.New("an extension type has no name")
	}
	t := &ExtensionType{Name: e.Name, Aliases: e.Aliases, Description: e.Description,
		DefaultScope: e.DefaultScope, DefaultReleaseNamespace: e.DefaultReleaseNamespace, CustomLocations: e.CustomLocations,
		WorkspaceSetting: e.WorkspaceSetting}
	if strings.HasPrefix(t.WorkspaceSetting, WorkspaceSettingPrefix) {
		return nil, fmt.Errorf("extension type %q: workspaceSetting %q must not start with %q, which the resolved workspace's settings use",
			e.Name, e.WorkspaceSetting, WorkspaceSettingPrefix)
	}
	if t.CustomLocations != nil {
		if err := t.CustomLocations.validate(); err != nil {
			return nil, fmt.Errorf("extension type %q: %w", e.Name, err)
		}
	}
	if t.DefaultScope == "" {
		t.DefaultScope = protocol.ScopeCluster
	}
	if t.DefaultScope != protocol.ScopeCluster && t.DefaultScope != protocol.ScopeNamespace {
		return nil, fmt.Errorf("extension type %q: defaultScope %q must be cluster or namespace", e.Name, e.DefaultScope)
	}
	if t.DefaultReleaseNamespace == "" {
		t.DefaultReleaseNamespace = strings.ReplaceAll(strings.ToLower(e.Name), ".", "-")
	}
	p, err := buildPackage(&e.packageEntry)
	if err != nil {
		return nil, fmt.Errorf("extension type %q: %w", e.Name, err)
	}
	t.Package = *p
	return t, nil
}

func buildPackage(e *packageEntry) (*Package, error) {
	if len(e.ReleaseTrains) == 0 {
		return nil, errors.New("no release trains: list at least one (e.g. Stable) with its versions")
	}
	p := &Package{}
	for _, te := range e.ReleaseTrains {
		t, err := buildTrain(te, e.Chart)
		if err != nil {
			return nil, err
		}
		if _, err := p.Train(t.Name); err == nil {
			return nil, fmt.Errorf("release train %q is listed twice", t.Name)
		}
		p.Trains = append(p.Trains, t)
	}
	return p, nil
}

func buildTrain(e trainEntry, chart chartEntry) (*Train, error) {
	if e.Name == "" {
		return nil, errors.New("a release train has no name")
	}
	if len(e.Versions) == 0 {
		return nil, fmt.Errorf("release train %q has no versions", e.Name)
	}
	t := &Train{Name: e.Name}
	for _, ve := range e.Versions {
		r, err := buildRelease(ve, chart, e.Name)
		if err != nil {
			return nil, fmt.Errorf("release train %q, version %q: %w", e.Name, ve.Version, err)
		}
		if slices.ContainsFunc(t.Versions, func(o Release) bool { return o.semver.Equal(r.semver) }) {
			return nil, fmt.Errorf("release train %q: version %q is listed twice", e.Name, ve.Version)
		}
		t.Versions = append(t.Versions, r)
	}
	slices.SortFunc(t.Versions, func(a, b Release) int { return a.semver.Compare(b.semver) })
	return t, nil
}

func buildRelease(e versionEntry, chart chartEntry, train string) (Release, error) {
	v, err := semver.StrictNewVersion(strings.TrimPrefix(e.Version, "v"))
	if err != nil {
		return Release{}, fmt.Errorf("not a semantic version (MAJOR.MINOR.PATCH): %w", err)
	}
	r := Release{Version: e.Version, Train: train, Chart: e.Chart.merge(chart, e.Version), semver: v}
	return r, validateChart(r.Chart)
}

// validateChart checks that a chart reference can be pulled: an http(s) repository or an
// oci:// reference, a chart name and a version.
func validateChart(c protocol.ChartRef) error {
	u, err := url.Parse(c.Repository)
	switch {
	case c.Repository == "":
		return errors.New("chart.repository is missing: give an https:// chart repository or an oci:// reference")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "oci"):
		return fmt.Errorf("chart.repository %q must be an http(s):// chart repository URL or an oci:// reference", c.Repository)
	case c.Name == "":
		return errors.New("chart.name is missing")
	case c.Version == "":
		return errors.New("chart.version is missing")
	}
	return nil
}
