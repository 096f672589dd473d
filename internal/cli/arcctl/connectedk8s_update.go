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
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

type updateOptions struct {
	ref            clusterRef
	tags           string
	autoUpgrade    bool
	agentVersion   string
	distribution   string
	infrastructure string
	logLevel       string
}

func (k *clusterCommands) updateCommand() *cobra.Command {
	var o updateOptions
	cmd := &cobra.Command{
		Use:   "update -n NAME -g GROUP [--tags k=v,...] [--auto-upgrade=true|false] [--agent-version X] [--distribution D] [--infrastructure I] [--log-level LEVEL]",
		Short: "Update a connected cluster's tags, agent upgrade settings, distribution, infrastructure or shipped log level",
		Example: "  arcctl connectedk8s update -n store-042 -g edge-eu --tags env=prod,team=retail\n" +
			"  arcctl connectedk8s update -n store-042 -g edge-eu --auto-upgrade=false --agent-version 1.21.0\n" +
			"  arcctl connectedk8s update -n store-042 -g edge-eu --tags \"\"   # remove all tags\n" +
			"  arcctl connectedk8s update -n store-042 -g edge-eu --log-level debug   # \"\" restores the agent's default",
		Args: noArgsHintingBoolFlags,
		RunE: func(cmd *cobra.Command, _ []string) error {
			patch, err := updatePatch(cmd, o)
			if err != nil {
				return err
			}
			client, id, err := k.resolve(o.ref)
			if err != nil {
				return err
			}
			// The hub merges arcAgentProfile field by field: only the fields set are sent.
			c, err := client.PatchCluster(cmd.Context(), id, patch)
			if err != nil {
				return fmt.Errorf("updating %s: %w", id.Name, err)
			}
			return k.output.print(cmd.OutOrStdout(), c, func(w io.Writer) error { return writeClusterDetails(w, c) })
		},
	}
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.tags, "tags", "", "tags as key=value pairs separated by commas; they replace all tags, \"\" removes them")
	f.BoolVar(&o.autoUpgrade, "auto-upgrade", false, "--auto-upgrade=true lets the agent upgrade itself, --auto-upgrade=false pins it to --agent-version")
	f.StringVar(&o.agentVersion, "agent-version", "", "agent version the cluster should run, e.g. 1.21.0")
	f.StringVar(&o.distribution, "distribution", "", "Kubernetes distribution, e.g. k3s, aks, openshift")
	f.StringVar(&o.infrastructure, "infrastructure", "", "infrastructure the cluster runs on, e.g. bare_metal, vsphere, aws")
	f.StringVar(&o.logLevel, "log-level", "", "least severe level of the log lines the agent ships to the hub (debug, info, warn or error), applied without a restart; \"\" restores the agent's --shipped-log-level")
	return cmd
}

// noArgsHintingBoolFlags refuses arguments, and explains the likely mistake behind a stray
// "true" or "false": a boolean flag takes its value after "=".
func noArgsHintingBoolFlags(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if v := strings.ToLower(args[0]); v == "true" || v == "false" {
		return fmt.Errorf("unexpected argument %q: give a boolean flag its value with '=', e.g. --auto-upgrade=%s", args[0], v)
	}
	return fmt.Errorf("unexpected argument %q for %q", args[0], cmd.CommandPath())
}

// updatePatch builds the PATCH body from the flags the user set.
func updatePatch(cmd *cobra.Command, o updateOptions) (armclient.ClusterPatch, error) {
	changed := cmd.Flags().Changed
	var patch armclient.ClusterPatch
	if changed("tags") {
		tags, err := parseTags(o.tags)
		if err != nil {
			return patch, err
		}
		patch.Tags = tags
	}
	props := &armclient.ClusterPatchProperties{}
	if changed("distribution") {
		props.Distribution = &o.distribution
	}
	if changed("infrastructure") {
		props.Infrastructure = &o.infrastructure
	}
	if changed("auto-upgrade") || changed("agent-version") || changed("log-level") {
		props.ArcAgentProfile = agentProfilePatch(changed, o)
	}
	if *props != (armclient.ClusterPatchProperties{}) {
		patch.Properties = props
	}
	if patch.Tags == nil && patch.Properties == nil {
		return patch, errors.New("nothing to update: pass at least one of --tags, --auto-upgrade, --agent-version, --distribution, --infrastructure or --log-level")
	}
	return patch, nil
}

// agentProfilePatch is the arcAgentProfile part of the PATCH: the fields whose flags are set.
func agentProfilePatch(changed func(string) bool, o updateOptions) *armclient.ArcAgentProfilePatch {
	p := &armclient.ArcAgentProfilePatch{DesiredAgentVersion: o.agentVersion}
	if changed("auto-upgrade") {
		p.AgentAutoUpgrade = autoUpgradeValue(o.autoUpgrade)
	}
	if changed("log-level") {
		p.LogLevel = &o.logLevel
	}
	return p
}

func autoUpgradeValue(enabled bool) string {
	if enabled {
		return "Enabled"
	}
	return "Disabled"
}

// parseTags parses "k=v,k2=v2"; an empty string is no tags at all.
func parseTags(s string) (map[string]string, error) {
	tags := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return tags, nil
	}
	for _, pair := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, fmt.Errorf("--tags: %q must be key=value", pair)
		}
		if _, dup := tags[key]; dup {
			return nil, fmt.Errorf("--tags: tag %q is given twice", key)
		}
		tags[key] = strings.TrimSpace(value)
	}
	return tags, nil
}
