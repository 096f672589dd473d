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
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/internal/cli/config"
	"github.com/kubearc/kubearc/pkg/armid"
)

// clusterCommands are the connectedk8s commands; they share --subscription.
type clusterCommands struct {
	*app
	subscription string
}

func (a *app) connectedk8sCommand() *cobra.Command {
	k := &clusterCommands{app: a}
	cmd := &cobra.Command{
		Use:   "connectedk8s",
		Short: "Manage connected Kubernetes clusters (Microsoft.Kubernetes/connectedClusters)",
	}
	cmd.PersistentFlags().StringVar(&k.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	cmd.AddCommand(k.connectCommand(), k.disconnectCommand(), k.listCommand(), k.showCommand(), k.updateCommand(), k.deleteCommand(),
		k.proxyCommand(), k.getTokenCommand(), k.enableFeaturesCommand(), k.disableFeaturesCommand(),
		k.logsCommand(), k.usageCommand(), k.troubleshootCommand())
	return cmd
}

// clusterSession returns a hub client and the subscription to work in.
func (k *clusterCommands) clusterSession() (*armclient.Client, string, error) {
	client, cfg, err := k.session()
	if err != nil {
		return nil, "", err
	}
	sub, err := k.subscriptionOf(cfg)
	return client, sub, err
}

// subscriptionOf is --subscription, else the configuration's default.
func (k *clusterCommands) subscriptionOf(cfg *config.Config) (string, error) {
	sub := k.subscription
	if sub == "" {
		sub = cfg.Subscription
	}
	if sub == "" {
		return "", errors.New("no subscription: pass --subscription, or save a default with 'arcctl login --subscription'")
	}
	return sub, nil
}

// clusterRef is the -n/-g pair naming one cluster.
type clusterRef struct {
	name  string
	group string
}

func (r *clusterRef) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&r.name, "name", "n", "", "name of the connected cluster")
	cmd.Flags().StringVarP(&r.group, "resource-group", "g", "", "resource group of the connected cluster")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("resource-group")
}

// resolve returns a hub client and the cluster's validated ID.
func (k *clusterCommands) resolve(r clusterRef) (*armclient.Client, armid.ClusterID, error) {
	client, _, id, err := k.resolveWithConfig(r)
	return client, id, err
}

// resolveWithConfig is resolve that also returns the configuration.
func (k *clusterCommands) resolveWithConfig(r clusterRef) (*armclient.Client, *config.Config, armid.ClusterID, error) {
	client, cfg, err := k.session()
	if err != nil {
		return nil, nil, armid.ClusterID{}, err
	}
	sub, err := k.subscriptionOf(cfg)
	if err != nil {
		return nil, nil, armid.ClusterID{}, err
	}
	id := armid.ClusterID{Subscription: sub, ResourceGroup: r.group, Name: r.name}
	if err := id.Validate(); err != nil {
		return nil, nil, id, err
	}
	return client, cfg, id, nil
}

func (k *clusterCommands) listCommand() *cobra.Command {
	var group string
	cmd := &cobra.Command{
		Use:   "list [-g GROUP]",
		Short: "List connected clusters of the subscription or of one resource group",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, sub, err := k.clusterSession()
			if err != nil {
				return err
			}
			clusters := []armclient.Cluster{}
			pager := client.ListClusters(sub, group)
			for pager.More() {
				page, err := pager.NextPage(cmd.Context())
				if err != nil {
					return fmt.Errorf("listing connected clusters: %w", err)
				}
				clusters = append(clusters, page.Value...)
			}
			if len(clusters) == 0 && k.output == outputTable {
				fmt.Fprintln(k.streams.Err, "No connected clusters found.")
				return nil
			}
			return k.output.print(cmd.OutOrStdout(), clusters, func(w io.Writer) error { return writeClusterTable(w, clusters) })
		},
	}
	cmd.Flags().StringVarP(&group, "resource-group", "g", "", "list only this resource group")
	return cmd
}

func (k *clusterCommands) showCommand() *cobra.Command {
	var ref clusterRef
	cmd := &cobra.Command{
		Use:   "show -n NAME -g GROUP",
		Short: "Show a connected cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := k.resolve(ref)
			if err != nil {
				return err
			}
			c, err := client.GetCluster(cmd.Context(), id)
			if err != nil {
				return fmt.Errorf("showing %s: %w", id.Name, err)
			}
			if k.output != outputTable {
				return k.output.print(cmd.OutOrStdout(), c, nil)
			}
			// The agent's use is not part of the ARM resource: it comes from the hub's
			// diagnostics, as the last heartbeat reported it. Without it the cluster is
			// still shown.
			rows := clusterRows(c)
			u, err := client.GetUsage(cmd.Context(), id, "1m")
			if err != nil {
				fmt.Fprintf(k.streams.Err, "Note: the agent's CPU and memory are not shown: reading them from the hub failed: %v\n", err)
			} else {
				rows = append(rows, usageRows(u.Current)...)
			}
			return writeDetails(cmd.OutOrStdout(), rows)
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (k *clusterCommands) deleteCommand() *cobra.Command {
	var ref clusterRef
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete -n NAME -g GROUP [--yes]",
		Short: "Delete a connected cluster from the hub",
		Long: "Delete a connected cluster from the hub. Asks for confirmation unless --yes is given;\n" +
			"without a terminal to ask on, --yes is required.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, id, err := k.resolve(ref)
			if err != nil {
				return err
			}
			if !yes {
				ok, err := k.confirm(fmt.Sprintf("Delete connected cluster '%s' in resource group '%s'?", id.Name, id.ResourceGroup))
				if err != nil || !ok {
					return err
				}
			}
			deleted, err := client.DeleteCluster(cmd.Context(), id)
			if err != nil {
				return fmt.Errorf("deleting %s: %w", id.Name, err)
			}
			if !deleted {
				fmt.Fprintf(cmd.OutOrStdout(), "Connected cluster '%s' in resource group '%s' does not exist; nothing to delete.\n", id.Name, id.ResourceGroup)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted connected cluster '%s' in resource group '%s'.\n", id.Name, id.ResourceGroup)
			return nil
		},
	}
	ref.addFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// confirm asks a yes/no question on the terminal; without one it is an error naming --yes.
func (a *app) confirm(question string) (bool, error) {
	if !a.streams.Interactive {
		return false, errors.New("confirmation needed but stdin is not a terminal; pass --yes to confirm")
	}
	fmt.Fprintf(a.streams.Err, "%s (y/N): ", question)
	answer, err := bufio.NewReader(a.streams.In).ReadString('\n')
	if err != nil && answer == "" {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true, nil
	}
	fmt.Fprintln(a.streams.Err, "Cancelled; nothing was changed.")
	return false, nil
}
