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
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/charts"
	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// flagFeatures is az's --features, which takes several feature names.
const flagFeatures = "features"

// featureValues are the agent chart's values that turn each feature on or off.
var featureValues = map[string]func(on bool) map[string]any{
	protocol.FeatureClusterConnect: func(on bool) map[string]any {
		return map[string]any{"clusterConnect": map[string]any{"enabled": on}}
	},
	protocol.FeatureCustomLocations: func(on bool) map[string]any {
		return map[string]any{"features": map[string]any{"customLocations": on}}
	},
}

// featureOptions are the flags of enable-features and disable-features.
type featureOptions struct {
	ref         clusterRef
	kube        kubeFlags
	features    []string
	agentBinary string
	timeout     time.Duration
}

func (k *clusterCommands) enableFeaturesCommand() *cobra.Command {
	return k.featuresCommand(true, "enable-features", "Enable features of a connected cluster's agent")
}

func (k *clusterCommands) disableFeaturesCommand() *cobra.Command {
	return k.featuresCommand(false, "disable-features", "Disable features of a connected cluster's agent")
}

func (k *clusterCommands) featuresCommand(on bool, use, short string) *cobra.Command {
	o := &featureOptions{}
	cmd := parsingItsFlags(&cobra.Command{
		Use:   use + " -n NAME -g GROUP --features cluster-connect custom-locations [--kubeconfig K] [--kube-context C]",
		Short: short,
		Long: short + ", as 'az connectedk8s " + use + "' does: change the values of the agent's Helm release\n" +
			"(" + agentRelease + "), restart a local agent started by 'connect --local-agent' with them, and wait\n" +
			"until the agent is connected again. custom-locations lets the agent grant the hub's custom-location\n" +
			"identity (" + protocol.CustomLocationIdentity + ") the roles of the custom locations' extensions;\n" +
			"disabling it removes those rights from the cluster, and resources on its custom locations can no\n" +
			"longer be applied.",
		Example: "  arcctl connectedk8s " + use + " -n store-042 -g edge-eu --features cluster-connect custom-locations",
	}, func(cmd *cobra.Command, args []string) error {
		cmd.DisableFlagParsing = false
		return parseFlagsAsCobra(cmd, spreadValues(args, flagFeatures), redactor{})
	}, func(cmd *cobra.Command) error { return k.setFeatures(cmd, o, on) })
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.features, flagFeatures, nil, "features: cluster-connect, custom-locations (several after one flag)")
	f.StringVar(&o.kube.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&o.kube.context, "kube-context", "", "kubeconfig context of the cluster (default: the current context)")
	f.StringVar(&o.agentBinary, "agent-binary", "", "the kubearc-agent executable of a local agent (default: beside arcctl, else on PATH)")
	f.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait for the agent to connect again")
	_ = cmd.MarkFlagRequired(flagFeatures)
	return cmd
}

// featureChange is the chart values that turn the features named on or off.
func featureChange(names []string, on bool) (map[string]any, error) {
	values := map[string]any{}
	for _, name := range names {
		set, ok := featureValues[strings.TrimSpace(name)]
		if !ok {
			return nil, fmt.Errorf("--features: unknown feature %q; the features are %s and %s",
				name, protocol.FeatureClusterConnect, protocol.FeatureCustomLocations)
		}
		maps.Copy(values, set(on))
	}
	if len(values) == 0 {
		return nil, errors.New("--features needs at least one feature: cluster-connect, custom-locations")
	}
	return values, nil
}

func (k *clusterCommands) setFeatures(cmd *cobra.Command, o *featureOptions, on bool) error {
	values, err := featureChange(o.features, on)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	t, err := k.connectTarget(ctx, connectOptions{ref: o.ref, kube: o.kube})
	if err != nil {
		return err
	}
	p := progress{w: k.streams.Err}
	var rel *helm.Release
	if err := p.step("Updating the Helm release "+agentRelease, func() (string, error) {
		rel, err = t.kube.updateAgentValues(ctx, values)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(", revision %d", rel.Revision), nil
	}); err != nil {
		return err
	}
	if !on && slices.Contains(o.features, protocol.FeatureCustomLocations) {
		fmt.Fprintf(p.w, "The hub's custom-location identity (%s) loses its rights in the cluster: resources on the cluster's custom locations can no longer be applied.\n",
			protocol.CustomLocationIdentity)
	}
	agent, err := t.restartLocalAgent(ctx, p, rel, o.agentBinary)
	if err != nil {
		return err
	}
	return t.waitConnected(ctx, p, cmd.OutOrStdout(), agent, o.timeout)
}

// updateAgentValues merges values over the agent release's values and upgrades it with the
// chart embedded in arcctl. A cluster without the release is not connected.
func (k *kubeTarget) updateAgentValues(ctx context.Context, values map[string]any) (*helm.Release, error) {
	current, err := k.helmClient().Current(agentRelease, agentNamespace)
	if err != nil {
		return nil, fmt.Errorf("reading the Helm release %s: %w", agentRelease, err)
	}
	if current == nil {
		return nil, fmt.Errorf("the cluster has no Helm release %s/%s: connect it first with 'arcctl connectedk8s connect'", agentNamespace, agentRelease)
	}
	chrt, err := charts.Agent()
	if err != nil {
		return nil, err
	}
	rel, _, err := k.helmClient().Apply(ctx, helm.Request{Name: agentRelease, Namespace: agentNamespace, Chart: chrt, Values: values,
		ReuseValues: true, Description: "Features changed by arcctl connectedk8s"})
	if err != nil {
		return nil, fmt.Errorf("upgrading the Helm release %s: %w", agentRelease, err)
	}
	return rel, nil
}

// restartLocalAgent restarts the local agent, when the release runs none in the cluster,
// with the features its values turn on; nil when the agent runs in the cluster.
func (t *connectTarget) restartLocalAgent(ctx context.Context, p progress, rel *helm.Release, binaryFlag string) (*runningAgent, error) {
	if inCluster, ok := nestedValue(rel.Values, "deployment", "enabled").(bool); !ok || inCluster {
		return nil, nil
	}
	binary, err := findAgentBinary(binaryFlag)
	if err != nil {
		return nil, err
	}
	files := t.agentDir()
	if on, _ := nestedValue(rel.Values, "features", "customLocations").(bool); on {
		files.features = []string{protocol.FeatureCustomLocations}
	}
	agent := &runningAgent{files: files}
	err = p.step("Restarting the agent on this machine", func() (string, error) {
		if _, err := files.stop(); err != nil {
			return "", err
		}
		agent.pid, agent.exited, err = files.start(ctx, binary)
		return fmt.Sprintf(" (pid %d, log %s)", agent.pid, files.logFile()), err
	})
	return agent, err
}

// nestedValue is the value at a path of nested maps, nil when there is none.
func nestedValue(values map[string]any, path ...string) any {
	var v any = values
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}
