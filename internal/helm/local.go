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

package helm

import (
	"context"

	"github.com/kubearc/kubearc/internal/helm/installer"
)

// Local is the installer.Installer that runs Helm in this process: kubearc-installer serves
// the agent's requests with it, and tests that need Helm without the installer use it.
type Local struct {
	Client *Client
	Charts *ChartSource
}

var _ installer.Installer = (*Local)(nil)

// Apply turns the settings into values (a bad one is an *installer.SettingsError), fetches
// the chart (a failure is an *installer.ChartError) and applies the release (Client.Apply).
func (l *Local) Apply(ctx context.Context, req installer.Request) (*Release, bool, error) {
	values, err := Values(req.Settings, req.ProtectedSettings)
	if err != nil {
		return nil, false, &installer.SettingsError{Message: err.Error()}
	}
	chrt, err := l.Charts.Fetch(ctx, req.Chart)
	if err != nil {
		return nil, false, &installer.ChartError{Err: err}
	}
	return l.Client.Apply(ctx, Request{Name: req.Name, Namespace: req.Namespace, Chart: chrt, Values: values,
		ReuseValues: req.ReuseValues, CreateNamespace: req.CreateNamespace, Description: req.Description, Always: req.Always})
}

// Current returns the release's latest revision, nil when there is no release.
func (l *Local) Current(_ context.Context, name, namespace string) (*Release, error) {
	return l.Client.Current(name, namespace)
}

// Uninstall removes the release and its history; it reports false when there was none.
func (l *Local) Uninstall(_ context.Context, name, namespace string) (bool, error) {
	return l.Client.Uninstall(name, namespace)
}
