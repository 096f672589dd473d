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

// Package installer is the agent's way to Helm: the Installer interface, its request and
// outcome types and their error classes, with no Helm SDK behind it. The agent uses Process,
// which runs each request in a short-lived kubearc-installer process (cmd/kubearc-installer)
// over a typed JSON request on stdin and a response on stdout, so the agent's own binary and
// resident memory carry no Helm. The installer serves the request with Serve and the
// in-process implementation, helm.Local (internal/helm).
package installer

import (
	"context"
	"fmt"
)

// Installer runs the agent's Helm actions in one cluster.
type Installer interface {
	// Apply makes the release what req says: it installs it, upgrades it when its chart or
	// values differ, or does nothing when it is up to date (changed is false). Its errors
	// are classified: *SettingsError, *ChartError, *InstallError, *UpgradeError; any other
	// error is transient.
	Apply(ctx context.Context, req Request) (rel *Release, changed bool, err error)
	// Current returns the release's latest revision, nil when there is no release.
	Current(ctx context.Context, name, namespace string) (*Release, error)
	// Uninstall removes the release and its history; it reports false when there was none.
	Uninstall(ctx context.Context, name, namespace string) (bool, error)
}

// ChartRef locates one version of a chart: an HTTP(S) repository with an index.yaml, or an
// OCI repository "oci://host/path" that holds the chart as host/path/Name:Version.
type ChartRef struct {
	Repository string `json:"repository"`
	Name       string `json:"name"`
	Version    string `json:"version"`
}

func (r ChartRef) String() string {
	return fmt.Sprintf("%s %s from %s", r.Name, r.Version, r.Repository)
}

// Request is a release as it should be.
type Request struct {
	Name      string   `json:"name"`
	Namespace string   `json:"namespace"`
	Chart     ChartRef `json:"chart"`
	// Settings are values with dotted keys ("image.tag": "v2"), as `helm --set` takes them.
	Settings map[string]string `json:"settings,omitempty"`
	// ProtectedSettings are applied over Settings; an error about one names its key only.
	ProtectedSettings map[string]string `json:"protectedSettings,omitempty"`
	// ReuseValues keeps the previous revision's values, with the settings merged over them.
	ReuseValues bool `json:"reuseValues,omitempty"`
	// CreateNamespace creates Namespace on the first install when it is missing.
	CreateNamespace bool `json:"createNamespace,omitempty"`
	// Description is recorded on the new revision.
	Description string `json:"description,omitempty"`
	// Always upgrades a release that already has this chart and these values, which puts
	// back objects changed in the cluster since.
	Always bool `json:"always,omitempty"`
}

// Release is what the agent needs to know of a Helm release revision.
type Release struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Revision is the release's version number.
	Revision int `json:"revision"`
	// Status is Helm's status, e.g. deployed, failed, superseded.
	Status       string `json:"status"`
	ChartName    string `json:"chartName"`
	ChartVersion string `json:"chartVersion"`
	// Values are the values the release was installed with (not the chart's defaults). They
	// may hold protected settings, so they never leave the installer.
	Values map[string]any `json:"-"`
}

// SettingsError is a setting that is not a Helm value; retrying the same spec cannot help.
type SettingsError struct{ Message string }

func (e *SettingsError) Error() string { return e.Message }

// ChartError is a chart that could not be fetched or loaded; a later try may succeed.
type ChartError struct{ Err error }

func (e *ChartError) Error() string { return e.Err.Error() }
func (e *ChartError) Unwrap() error { return e.Err }

// InstallError is a failed first install. The failed revision stays recorded; the next
// Apply installs again.
type InstallError struct{ Err error }

func (e *InstallError) Error() string { return "install failed: " + e.Err.Error() }
func (e *InstallError) Unwrap() error { return e.Err }

// UpgradeError is a failed upgrade, after which the release was rolled back to the last
// good revision, RolledBackTo; RollbackErr is set when that failed too.
type UpgradeError struct {
	Err          error
	RolledBackTo *Release
	RollbackErr  error
}

func (e *UpgradeError) Error() string {
	switch {
	case e.RollbackErr != nil:
		return fmt.Sprintf("upgrade failed: %v; rolling back failed too: %v", e.Err, e.RollbackErr)
	case e.RolledBackTo != nil:
		return fmt.Sprintf("upgrade failed and was rolled back to revision %d (chart %s %s): %v",
			e.RolledBackTo.Revision, e.RolledBackTo.ChartName, e.RolledBackTo.ChartVersion, e.Err)
	default:
		return "upgrade failed: " + e.Err.Error()
	}
}

func (e *UpgradeError) Unwrap() error { return e.Err }
