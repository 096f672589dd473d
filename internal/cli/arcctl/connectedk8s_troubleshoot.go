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
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/internal/cli/config"
	"github.com/kubearc/kubearc/internal/troubleshoot"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// troubleshootOptions are the flags of 'connectedk8s troubleshoot'.
type troubleshootOptions struct {
	clusterRef
	output     string
	kubeconfig string
	since      time.Duration
}

func (k *clusterCommands) troubleshootCommand() *cobra.Command {
	o := &troubleshootOptions{}
	cmd := &cobra.Command{
		Use:   "troubleshoot -n NAME -g GROUP [--output FILE.tar.gz] [--kubeconfig FILE] [--since 1h]",
		Short: "Collect a cluster's diagnostics into an archive, secrets redacted",
		Long: "troubleshoot writes a .tar.gz with what the hub knows of the cluster (the connectedCluster\n" +
			"resource, the agent's usage, recent logs and latest connectivity checks) and what its API\n" +
			"server shows of kubearc (the kubearc objects, and the events, pods, deployments, services,\n" +
			"configmaps, secret names and container logs of kubearc-system), read through the\n" +
			"cluster-connect tunnel as your hub token, or with --kubeconfig. What the cluster's RBAC\n" +
			"refuses is listed in summary.txt, the archive's first file, beside what failed and why.\n" +
			"Secret data is never written; credentials in every file are redacted. The connectivity\n" +
			"checks that did not pass are printed at the end.",
		Example: "  arcctl connectedk8s troubleshoot -n store-042 -g edge-eu --since 2h",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return k.runTroubleshoot(cmd.Context(), cmd, o) },
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	// --output names the archive here, as az's --output names a format elsewhere.
	f.StringVarP(&o.output, "output", "o", "", "archive to write (default: troubleshoot-NAME-TIME.tar.gz in the current directory)")
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "read the cluster with this kubeconfig instead of through the cluster-connect tunnel")
	f.DurationVar(&o.since, "since", time.Hour, "collect the agent's logs of this long back")
	return cmd
}

func (k *clusterCommands) runTroubleshoot(ctx context.Context, cmd *cobra.Command, o *troubleshootOptions) error {
	if o.since <= 0 {
		return fmt.Errorf("invalid --since %s: give a positive duration, such as 1h", o.since)
	}
	client, cfg, id, err := k.resolveWithConfig(o.clusterRef)
	if err != nil {
		return err
	}
	cluster, err := client.GetCluster(ctx, id)
	if err != nil {
		return clusterLookupError(cfg.Hub, id, err)
	}
	now := time.Now().UTC()
	b := troubleshoot.NewBundle(k.streams.Err)
	b.Note("kubearc troubleshoot bundle of %s", id)
	b.Note("Created %s by arcctl connectedk8s troubleshoot", now.Format(time.RFC3339))
	b.Step("the connectedCluster resource", func() error { return b.AddJSON("hub/connectedcluster.json", cluster) })
	collectFromHub(ctx, b, client, id, o.since)
	collectFromCluster(ctx, b, client, cfg, id, o)
	path := o.output
	if path == "" {
		path = fmt.Sprintf("troubleshoot-%s-%s.tar.gz", id.Name, now.Format("20060102-150405"))
	}
	if err := b.WriteFile(path, now); err != nil {
		return err
	}
	printUnpassedChecks(k.streams.Err, b)
	fmt.Fprintf(k.streams.Err, "Wrote %s (%d steps failed; %s lists what was collected).\n", path, b.Failures(), troubleshoot.SummaryFile)
	fmt.Fprintln(cmd.OutOrStdout(), path)
	return nil
}

// clusterLookupError explains why the cluster could not be read from the hub.
func clusterLookupError(hub string, id armid.ClusterID, err error) error {
	var re *armclient.ResponseError
	switch {
	case armclient.HasStatus(err, http.StatusNotFound):
		return fmt.Errorf("connected cluster '%s' not found in resource group '%s'; 'arcctl connectedk8s list' lists the clusters", id.Name, id.ResourceGroup)
	case errors.As(err, &re), armclient.IsCertificateError(err), ctxDone(err):
		return fmt.Errorf("reading %s from the hub: %w", id.Name, err)
	}
	return fmt.Errorf("the hub at %s could not be reached: %w; check that it runs and that 'arcctl login --hub' saved its address", hub, err)
}

func ctxDone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// collectFromHub adds the agent's usage and recent logs as the hub keeps them.
func collectFromHub(ctx context.Context, b *troubleshoot.Bundle, client *armclient.Client, id armid.ClusterID, since time.Duration) {
	b.Step("the agent's usage from the hub", func() error {
		u, err := client.GetUsage(ctx, id, since.String())
		if err != nil {
			return err
		}
		return b.AddJSON("hub/usage.json", u)
	})
	b.Step("the agent's logs from the hub (last "+since.String()+")", func() error {
		lines := []protocol.LogLine{}
		err := client.StreamLogs(ctx, id, armclient.LogQuery{Since: since.String()}, func(l protocol.LogLine) error {
			lines = append(lines, l)
			return nil
		})
		if err != nil {
			return err
		}
		return b.AddJSON("hub/agent-logs.json", lines)
	})
	b.Step("the agent's connectivity checks from the hub", func() error {
		checks, err := client.GetConnectivityChecks(ctx, id)
		if err != nil {
			return err
		}
		return b.AddConnectivityChecks(checks.ReceivedAt, checks.Value)
	})
}

// printUnpassedChecks lists on w the agent's connectivity checks that failed or warned.
func printUnpassedChecks(w io.Writer, b *troubleshoot.Bundle) {
	unpassed := b.UnpassedChecks()
	if len(unpassed) == 0 {
		return
	}
	fmt.Fprintln(w, "The agent's connectivity checks that did not pass (see "+troubleshoot.ConnectivityChecksFile+"):")
	for _, line := range unpassed {
		fmt.Fprintln(w, "  "+line)
	}
}

// collectFromCluster reads the cluster with --kubeconfig, else through the tunnel.
func collectFromCluster(ctx context.Context, b *troubleshoot.Bundle, client *armclient.Client,
	cfg *config.Config, id armid.ClusterID, o *troubleshootOptions) {
	restConfig, err := clusterAccess(ctx, b, client, cfg, id, o.kubeconfig)
	if err != nil {
		b.Fail("the cluster's objects", err)
		return
	}
	c, err := troubleshoot.NewCluster(b, restConfig, agentNamespace, o.since)
	if err != nil {
		b.Fail("the cluster's objects", err)
		return
	}
	c.Collect(ctx)
}

// clusterAccess is the kubeconfig's configuration, or the hub's proxy endpoint of the
// cluster with the user's hub token: the cluster's RBAC then decides what is read.
func clusterAccess(ctx context.Context, b *troubleshoot.Bundle, client *armclient.Client,
	cfg *config.Config, id armid.ClusterID, kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		b.Note("The cluster was read with the kubeconfig %s.", kubeconfig)
		return clientcmd.BuildConfigFromFlags("", kubeconfig)
	}
	b.Note("The cluster was read through the cluster-connect tunnel as your hub token; if the tunnel is down, rerun with --kubeconfig FILE.")
	raw, err := client.ListClusterUserCredential(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("getting the cluster's proxy endpoint: %w", err)
	}
	target, caPEM, err := proxyTarget(raw, id)
	if err != nil {
		return nil, err
	}
	return &rest.Config{Host: target.String(), BearerToken: cfg.Token, TLSClientConfig: rest.TLSClientConfig{CAData: caPEM}}, nil
}
