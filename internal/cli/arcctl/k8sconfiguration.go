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
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// fluxCommands are the k8s-configuration flux commands. They name clusters as the
// k8s-extension commands do.
type fluxCommands struct {
	*extensionCommands
}

func (a *app) k8sConfigurationCommand() *cobra.Command {
	k := &fluxCommands{extensionCommands: &extensionCommands{clusterCommands: &clusterCommands{app: a}}}
	cmd := &cobra.Command{
		Use:   "k8s-configuration",
		Short: "Manage GitOps configurations of connected clusters (Microsoft.KubernetesConfiguration)",
	}
	cmd.PersistentFlags().StringVar(&k.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	flux := &cobra.Command{
		Use:   "flux",
		Short: "Manage Flux v2 configurations (Microsoft.KubernetesConfiguration/fluxConfigurations)",
		Long: "Manage the Flux configurations of connected clusters, as 'az k8s-configuration flux' does for\n" +
			"Azure Arc: the hub keeps the Git repository and kustomizations to apply, the cluster's agent\n" +
			"makes Flux apply them and reports compliance back. The first configuration of a cluster adds\n" +
			"the Flux extension. SSH keys and HTTPS passwords are write-only: arcctl never prints them.",
	}
	flux.AddCommand(k.createCommand(), k.showCommand(), k.listCommand(), k.updateCommand(), k.deleteCommand(), k.kustomizationCommand())
	cmd.AddCommand(flux)
	return cmd
}

// fluxRef names a cluster and a Flux configuration in it.
type fluxRef struct {
	extensionRef
}

// addFlags adds the cluster flags and -n/--name.
func (r *fluxRef) addFlags(cmd *cobra.Command) {
	r.addFlagsNaming(cmd, fluxKind().noun)
}

// resolve returns a hub client and the cluster's validated ID.
func (k *fluxCommands) resolve(r fluxRef) (*armclient.Client, armid.ClusterID, error) {
	return k.extensionCommands.resolve(r.extensionRef)
}

// showHint is the command that shows the configuration, for messages.
func showHint(cluster armid.ClusterID, name string) string {
	return fmt.Sprintf("'arcctl k8s-configuration flux show -c %s -g %s -n %s'", cluster.Name, cluster.ResourceGroup, name)
}

// scopeValue checks --scope.
func scopeValue(s string) (string, error) {
	switch v := strings.ToLower(s); v {
	case "cluster", "namespace":
		return v, nil
	}
	return "", fmt.Errorf("--scope %q is not one of cluster or namespace", s)
}
