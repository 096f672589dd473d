/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package arcctl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	release "helm.sh/helm/v4/pkg/release"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/kubearc/kubearc/charts"
)

// agentRelease is the Helm release of the agent chart, in agentNamespace.
const agentRelease = "kubearc-agent"

// helmConfig is Helm's action configuration for the agent's namespace, with releases stored
// as Secrets as the helm CLI stores them.
func (k *kubeTarget) helmConfig() (*action.Configuration, error) {
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.DiscardHandler))
	if err := cfg.Init(k.getter, agentNamespace, "secret"); err != nil {
		return nil, fmt.Errorf("setting up Helm: %w", err)
	}
	return cfg, nil
}

// installAgent installs the agent chart, or upgrades the release when it exists, and returns
// the release's revision. It does not wait for the agent's pods: the caller waits for the
// agent to report instead, which also covers an agent outside the cluster.
func (k *kubeTarget) installAgent(ctx context.Context, values map[string]any) (int, error) {
	chrt, err := charts.Agent()
	if err != nil {
		return 0, err
	}
	cfg, err := k.helmConfig()
	if err != nil {
		return 0, err
	}
	history := action.NewHistory(cfg)
	history.Max = 1
	var rel release.Releaser
	if _, err = history.Run(agentRelease); errors.Is(err, driver.ErrReleaseNotFound) {
		install := action.NewInstall(cfg)
		install.ReleaseName, install.Namespace = agentRelease, agentNamespace
		install.WaitStrategy = kube.HookOnlyStrategy
		rel, err = install.RunWithContext(ctx, chrt, values)
	} else if err == nil {
		upgrade := action.NewUpgrade(cfg)
		upgrade.Namespace = agentNamespace
		upgrade.WaitStrategy = kube.HookOnlyStrategy
		rel, err = upgrade.RunWithContext(ctx, agentRelease, chrt, values)
	}
	if err != nil {
		return 0, fmt.Errorf("installing the Helm release %s: %w", agentRelease, err)
	}
	acc, err := release.NewAccessor(rel)
	if err != nil {
		return 0, fmt.Errorf("reading the Helm release %s: %w", agentRelease, err)
	}
	return acc.Version(), nil
}

// uninstallAgent uninstalls the agent's release; it reports false when there was none.
func (k *kubeTarget) uninstallAgent() (bool, error) {
	cfg, err := k.helmConfig()
	if err != nil {
		return false, err
	}
	uninstall := action.NewUninstall(cfg)
	uninstall.WaitStrategy = kube.HookOnlyStrategy
	uninstall.IgnoreNotFound = true
	resp, err := uninstall.Run(agentRelease)
	if err != nil {
		return false, fmt.Errorf("uninstalling the Helm release %s: %w", agentRelease, err)
	}
	return resp != nil, nil
}
