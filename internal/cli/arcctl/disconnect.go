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
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

type disconnectOptions struct {
	ref  clusterRef
	kube kubeFlags
	yes  bool
}

func (k *clusterCommands) disconnectCommand() *cobra.Command {
	var o disconnectOptions
	cmd := &cobra.Command{
		Use:   "disconnect -n NAME -g GROUP [--kubeconfig K] [--kube-context C] [--yes]",
		Short: "Disconnect a cluster: remove the agent from it and delete it from the hub",
		Long: "Disconnect a cluster, as 'az connectedk8s delete' does for Azure Arc: stop the local agent\n" +
			"started by 'connect --local-agent', if any; uninstall the Helm release " + agentRelease + ";\n" +
			"delete the namespace " + agentNamespace + " with the agent's key; delete the connected cluster\n" +
			"on the hub. Each step tolerates what is already gone, so disconnect can be run again after\n" +
			"a failure. Asks for confirmation unless --yes is given. The cluster must be reachable; to\n" +
			"remove a cluster that no longer exists from the hub, use 'arcctl connectedk8s delete'.",
		Example: "  arcctl connectedk8s disconnect -n store-042 -g edge-eu --kube-context store-042",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return k.disconnect(cmd, o)
		},
	}
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.kube.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&o.kube.context, "kube-context", "", "kubeconfig context of the cluster (default: the current context)")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func (k *clusterCommands) disconnect(cmd *cobra.Command, o disconnectOptions) error {
	ctx := cmd.Context()
	hub, id, err := k.resolve(o.ref)
	if err != nil {
		return err
	}
	path, err := k.configPath()
	if err != nil {
		return err
	}
	state := filepath.Dir(path)
	kube, err := newKubeTarget(ctx, o.kube, filepath.Join(state, "cache"))
	if err != nil {
		return err
	}
	if !o.yes {
		ok, err := k.confirm(fmt.Sprintf("Disconnect cluster '%s' in resource group '%s': remove the agent from the cluster and delete the cluster from the hub?", id.Name, id.ResourceGroup))
		if err != nil || !ok {
			return err
		}
	}
	p := progress{w: k.streams.Err}
	files := localAgent{dir: filepath.Join(state, "agents", id.Name)}
	steps := []struct {
		what string
		fn   func() (string, error)
	}{
		{"Stopping the local agent", func() (string, error) {
			pid, err := files.stop()
			if pid > 0 {
				return fmt.Sprintf(" (pid %d)", pid), err
			}
			return goneUnless(false, err)
		}},
		{"Uninstalling the Helm release " + agentRelease, func() (string, error) { return goneUnless(kube.uninstallAgent()) }},
		{"Deleting the namespace " + agentNamespace, func() (string, error) { return goneUnless(kube.deleteNamespace(ctx)) }},
		{"Deleting the connected cluster on the hub", func() (string, error) { return goneUnless(hub.DeleteCluster(ctx, id)) }},
	}
	for _, s := range steps {
		if err := p.step(s.what, s.fn); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(files.dir); err != nil {
		return fmt.Errorf("removing the local agent's files: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Disconnected cluster '%s' in resource group '%s'.\n", id.Name, id.ResourceGroup)
	return nil
}

// goneUnless turns "did something" into the detail of a progress step: nothing when it did,
// " (nothing to do)" when what it removes was already gone.
func goneUnless(did bool, err error) (string, error) {
	if err != nil || did {
		return "", err
	}
	return " (nothing to do)", nil
}
