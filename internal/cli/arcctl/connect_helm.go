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

package arcctl

import (
	"context"
	"fmt"

	"github.com/kubearc/kubearc/charts"
	"github.com/kubearc/kubearc/internal/helm"
)

// agentRelease is the Helm release of the agent chart, in agentNamespace.
const agentRelease = "kubearc-agent"

// helmClient runs Helm against the target cluster, with releases stored as Secrets as the
// helm CLI stores them.
func (k *kubeTarget) helmClient() *helm.Client {
	return helm.NewClient(k.getter, nil)
}

// installAgent installs the agent chart, or upgrades the release when it exists, and returns
// the release's revision. A failed upgrade is rolled back to the last good revision. It does
// not wait for the agent's pods: the caller waits for the agent to report instead, which
// also covers an agent outside the cluster.
func (k *kubeTarget) installAgent(ctx context.Context, values map[string]any) (int, error) {
	chrt, err := charts.Agent()
	if err != nil {
		return 0, err
	}
	rel, _, err := k.helmClient().Apply(ctx, helm.Request{Name: agentRelease, Namespace: agentNamespace, Chart: chrt, Values: values,
		Description: "Installed by arcctl connectedk8s connect", Always: true})
	if err != nil {
		return 0, fmt.Errorf("installing the Helm release %s: %w", agentRelease, err)
	}
	return rel.Revision, nil
}

// uninstallAgent uninstalls the agent's release; it reports false when there was none.
func (k *kubeTarget) uninstallAgent() (bool, error) {
	return k.helmClient().Uninstall(agentRelease, agentNamespace)
}
