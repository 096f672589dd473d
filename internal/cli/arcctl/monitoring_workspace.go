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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// Workspaces as arcctl speaks them: Microsoft.OperationalInsights/workspaces, held by the hub.
const (
	workspaceType       = "Microsoft.OperationalInsights/workspaces"
	workspaceAPIVersion = "2022-10-01"
	// maxTokenFileBytes bounds what --bearer-token-file reads.
	maxTokenFileBytes = 64 << 10
)

// workspaceCommands are the monitoring workspace commands; they share --subscription.
type workspaceCommands struct {
	*clusterCommands
}

func (a *app) monitoringCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "monitoring",
		Short: "Manage where workload monitoring sends telemetry",
	}
	cmd.AddCommand(a.workspaceCommand())
	return cmd
}

func (a *app) workspaceCommand() *cobra.Command {
	w := &workspaceCommands{clusterCommands: &clusterCommands{app: a}}
	cmd := &cobra.Command{
		Use:   "workspace",
		Short: "Manage monitoring workspaces (Microsoft.OperationalInsights/workspaces)",
		Long: "Manage monitoring workspaces held by the hub: an OTLP/HTTP endpoint, optionally a Prometheus\n" +
			"remote-write URL, and a bearer token sent with them. A monitoring extension names one in its\n" +
			"setting logAnalyticsWorkspaceResourceID; many clusters can share it (docs/workspaces.md).",
	}
	cmd.PersistentFlags().StringVar(&w.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	cmd.AddCommand(w.createCommand(), w.showCommand(), w.listCommand(), w.deleteCommand())
	return cmd
}

// workspaceRef is the -n/-g pair naming one workspace.
type workspaceRef struct {
	name, group string
}

func (r *workspaceRef) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&r.name, "name", "n", "", "name of the workspace")
	cmd.Flags().StringVarP(&r.group, "resource-group", "g", "", "resource group of the workspace")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("resource-group")
}

// resolve returns a hub client and the workspace's ID; the hub checks the name's rules.
func (w *workspaceCommands) resolve(r workspaceRef) (*armclient.Client, string, error) {
	client, sub, err := w.clusterSession()
	if err != nil {
		return nil, "", err
	}
	if err := armid.ValidateResourceGroup(r.group); err != nil {
		return nil, "", fmt.Errorf("--resource-group: %w", err)
	}
	if strings.TrimSpace(r.name) == "" || strings.Contains(r.name, "/") {
		return nil, "", fmt.Errorf("--name %q must be a non-empty name without '/'", r.name)
	}
	return client, "/subscriptions/" + sub + "/resourceGroups/" + r.group + "/providers/" + workspaceType + "/" + r.name, nil
}

// workspaceCreateOptions are the flags of create.
type workspaceCreateOptions struct {
	ref                  workspaceRef
	location, otlp, prom string
	tokenFile            string
}

func (w *workspaceCommands) createCommand() *cobra.Command {
	var o workspaceCreateOptions
	cmd := &cobra.Command{
		Use:   "create -n NAME -g GROUP --otlp-endpoint URL [--prometheus-remote-write-url URL] [--bearer-token-file FILE]",
		Short: "Create or replace a monitoring workspace",
		Long: "Create or replace a monitoring workspace. The bearer token is read from a file (--bearer-token-file,\n" +
			"'-' for stdin), never from the command line; without the flag a replaced workspace keeps its token.\n" +
			"Extensions bound to the workspace get its new values at once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return w.create(cmd, o) },
	}
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.otlp, "otlp-endpoint", "", "OTLP/HTTP endpoint, https:// (http:// only to a loopback host)")
	f.StringVar(&o.prom, "prometheus-remote-write-url", "", "Prometheus remote-write URL")
	f.StringVar(&o.tokenFile, "bearer-token-file", "", "file holding the bearer token sent to the endpoints ('-' reads stdin)")
	f.StringVarP(&o.location, "location", "l", "westeurope", "location of the workspace")
	_ = cmd.MarkFlagRequired("otlp-endpoint")
	return cmd
}

func (w *workspaceCommands) create(cmd *cobra.Command, o workspaceCreateOptions) error {
	client, id, err := w.resolve(o.ref)
	if err != nil {
		return err
	}
	props := map[string]any{"otlpEndpoint": o.otlp}
	if o.prom != "" {
		props["prometheusRemoteWriteUrl"] = o.prom
	}
	if o.tokenFile != "" {
		token, err := w.readTokenFile(o.tokenFile)
		if err != nil {
			return err
		}
		props["credentials"] = map[string]any{"bearerToken": token}
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return err
	}
	res, created, err := client.PutResource(cmd.Context(), id, workspaceAPIVersion, armclient.Resource{Location: o.location, Properties: raw})
	if err != nil {
		return fmt.Errorf("writing workspace '%s': %w", o.ref.name, err)
	}
	verb := "updated"
	if created {
		verb = "created"
	}
	if w.output != outputTable {
		return w.output.print(cmd.OutOrStdout(), res, nil)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Workspace '%s' %s: %s\n", o.ref.name, verb, id)
	return nil
}

// readTokenFile reads the bearer token from a file, or stdin for "-", without its line end.
func (w *workspaceCommands) readTokenFile(path string) (string, error) {
	var (
		data []byte
		err  error
	)
	if path == "-" {
		var t string
		t, err = w.readSecret("Bearer token: ")
		data = []byte(t)
	} else {
		data, err = readBounded(path)
	}
	if err != nil {
		return "", fmt.Errorf("reading --bearer-token-file: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", errors.New("--bearer-token-file holds no token")
	}
	return token, nil
}

// readBounded reads a file of at most maxTokenFileBytes.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, maxTokenFileBytes+1))
	if err == nil && len(data) > maxTokenFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxTokenFileBytes)
	}
	return data, err
}
