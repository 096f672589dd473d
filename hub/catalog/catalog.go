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

// Package catalog is the hub's catalog of installable software: extension types and the
// kubearc agent, each with versions per release train (Stable, Preview, …), every version
// pointing at one Helm chart version in an HTTP or OCI repository.
//
// The catalog is a YAML file (docs/extensions.md); the hub embeds a default (default.yaml)
// and kubearc-hub serve --catalog FILE replaces it. Names of types and trains are
// case-insensitive, like ARM.
//
// Version resolution, for an extension with autoUpgradeMinorVersion:
//   - on creation it gets the newest version on its release train;
//   - afterwards it moves to the newest version on the train with the same MAJOR version as
//     the one it runs, so a new major version (which may break configuration settings) is
//     never installed without the user asking for it; when the train holds no version of that
//     major any more, it moves to the train's newest version.
//
// A pinned version (autoUpgradeMinorVersion false) must exist on the train and never moves.
package catalog

import (
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kubearc/kubearc/pkg/protocol"
)

//go:embed default.yaml
var defaultFS embed.FS

// DefaultReleaseTrain is the train of an extension or agent that names none.
const DefaultReleaseTrain = "Stable"

// WorkspaceSettingPrefix starts the configuration settings an extension gets from the
// workspace its WorkspaceSetting names (workspace.otlpEndpoint, …).
const WorkspaceSettingPrefix = "workspace."

// Default returns the catalog built into the hub.
func Default() (*Catalog, error) {
	data, err := defaultFS.ReadFile("default.yaml")
	if err != nil {
		return nil, fmt.Errorf("reading the built-in catalog: %w", err)
	}
	return Parse(data, "(built-in)")
}

// Catalog is a validated catalog. It is read-only after Parse and safe for concurrent use.
type Catalog struct {
	types []*ExtensionType
	agent *Package
}

// Package is a chart with versions per release train.
type Package struct {
	// Trains are the release trains in catalog order.
	Trains []*Train
}

// ExtensionType is one installable extension type.
type ExtensionType struct {
	Package
	// Name is the type's canonical name; Aliases are other names that select it.
	Name    string
	Aliases []string
	// Description says what the extension is.
	Description string
	// DefaultScope is protocol.ScopeCluster or protocol.ScopeNamespace.
	DefaultScope string
	// DefaultReleaseNamespace is the release namespace of a cluster-scoped extension that names none.
	DefaultReleaseNamespace string
	// CustomLocations is what the type offers on custom locations; nil for none.
	CustomLocations *CustomLocations
	// WorkspaceSetting is the configuration setting (e.g. logAnalyticsWorkspaceResourceID)
	// whose value names a monitoring workspace held by the hub, which the hub resolves into
	// the extension's settings; "" when the type takes none.
	WorkspaceSetting string
}

// Train is a release train and its versions, oldest first.
type Train struct {
	Name     string
	Versions []Release
}

// Release is one version of a package on a train.
type Release struct {
	// Version is the package version users see (currentVersion, version).
	Version string
	// Train is the release train's canonical name.
	Train string
	// Chart is the Helm chart of Version.
	Chart protocol.ChartRef

	semver *semver.Version
}

// Types returns the extension types in catalog order.
func (c *Catalog) Types() []*ExtensionType { return c.types }

// Agent returns the kubearc agent's package.
func (c *Catalog) Agent() *Package { return c.agent }

// Type returns the extension type called name (or one of its aliases), case-insensitively.
func (c *Catalog) Type(name string) (*ExtensionType, error) {
	for _, t := range c.types {
		if strings.EqualFold(t.Name, name) || slices.ContainsFunc(t.Aliases, func(a string) bool { return strings.EqualFold(a, name) }) {
			return t, nil
		}
	}
	names := make([]string, 0, len(c.types))
	for _, t := range c.types {
		names = append(names, t.Name)
	}
	return nil, &LookupError{Field: "extensionType", Message: fmt.Sprintf(
		"The extension type '%s' is not in the hub's catalog. Valid extension types are: %s.", name, strings.Join(names, ", "))}
}

// Train returns the release train called name (empty means Stable), case-insensitively.
func (p *Package) Train(name string) (*Train, error) {
	if name == "" {
		name = DefaultReleaseTrain
	}
	for _, t := range p.Trains {
		if strings.EqualFold(t.Name, name) {
			return t, nil
		}
	}
	names := make([]string, 0, len(p.Trains))
	for _, t := range p.Trains {
		names = append(names, t.Name)
	}
	return nil, &LookupError{Field: "releaseTrain", Message: fmt.Sprintf(
		"The release train '%s' does not exist. Valid release trains are: %s.", name, strings.Join(names, ", "))}
}

// Newest returns the newest version on the train.
func (t *Train) Newest() Release { return t.Versions[len(t.Versions)-1] }

// Version returns the release of an exact version on the train.
func (t *Train) Version(v string) (Release, error) {
	for _, r := range t.Versions {
		if r.Version == v || (r.semver != nil && strings.TrimPrefix(v, "v") == r.semver.String()) {
			return r, nil
		}
	}
	return Release{}, &LookupError{Field: "version", Message: fmt.Sprintf(
		"The version '%s' does not exist on release train '%s'. Valid versions are: %s.", v, t.Name, strings.Join(t.VersionNames(), ", "))}
}

// VersionNames returns the train's versions, oldest first.
func (t *Train) VersionNames() []string {
	out := make([]string, 0, len(t.Versions))
	for _, r := range t.Versions {
		out = append(out, r.Version)
	}
	return out
}

// NewestInMajor returns the newest version on the train with the same major version as
// current, or the train's newest version when there is none (see the package doc).
func (t *Train) NewestInMajor(current string) Release {
	cur, err := semver.NewVersion(current)
	if err != nil {
		return t.Newest()
	}
	for i := len(t.Versions) - 1; i >= 0; i-- {
		if t.Versions[i].semver.Major() == cur.Major() {
			return t.Versions[i]
		}
	}
	return t.Newest()
}

// Resolve returns the release an extension or agent should run: the pinned version when
// autoUpgrade is off, else the newest on the train within current's major (the newest on
// the train when current is empty). Errors are *LookupError, meant for the user.
func (p *Package) Resolve(train, pinned string, autoUpgrade bool, current string) (Release, error) {
	t, err := p.Train(train)
	if err != nil {
		return Release{}, err
	}
	switch {
	case !autoUpgrade && pinned == "":
		return Release{}, &LookupError{Field: "version", Message: fmt.Sprintf(
			"A version is required when autoUpgradeMinorVersion is false. Valid versions on release train '%s' are: %s.",
			t.Name, strings.Join(t.VersionNames(), ", "))}
	case !autoUpgrade:
		return t.Version(pinned)
	case current == "":
		return t.Newest(), nil
	default:
		return t.NewestInMajor(current), nil
	}
}

// LookupError is a catalog lookup that failed because of what the user asked for; Message
// lists the valid choices.
type LookupError struct {
	// Field is the request field at fault: extensionType, releaseTrain or version.
	Field   string
	Message string
}

func (e *LookupError) Error() string { return e.Message }
