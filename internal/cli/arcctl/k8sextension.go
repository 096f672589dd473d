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
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// connectedClustersType is the only --cluster-type kubearc has.
const connectedClustersType = "connectedClusters"

// extensionCommands are the k8s-extension commands. They share --subscription and the way to
// name a cluster with the connectedk8s commands.
type extensionCommands struct {
	*clusterCommands
}

func (a *app) k8sExtensionCommand() *cobra.Command {
	k := &extensionCommands{clusterCommands: &clusterCommands{app: a}}
	cmd := &cobra.Command{
		Use:   "k8s-extension",
		Short: "Manage cluster extensions (Microsoft.KubernetesConfiguration/extensions)",
		Long: "Manage the extensions of connected clusters, as 'az k8s-extension' does for Azure Arc: the hub\n" +
			"keeps what should be installed, and each cluster's agent installs it as a Helm release and\n" +
			"reports back. 'arcctl k8s-extension extension-types list' shows what can be installed.",
	}
	cmd.PersistentFlags().StringVar(&k.subscription, "subscription", "", "subscription (default: the one saved by 'arcctl login')")
	cmd.AddCommand(k.createCommand(), k.showCommand(), k.listCommand(), k.updateCommand(), k.deleteCommand(), k.extensionTypesCommand())
	return cmd
}

// extensionRef names a cluster, and an extension in it when name is set.
type extensionRef struct {
	cluster     clusterRef
	clusterType string
	name        string
}

// addClusterFlags adds -c/--cluster-name, -g/--resource-group and -t/--cluster-type.
func (r *extensionRef) addClusterFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&r.cluster.name, "cluster-name", "c", "", "name of the connected cluster")
	f.StringVarP(&r.cluster.group, "resource-group", "g", "", "resource group of the connected cluster")
	f.StringVarP(&r.clusterType, "cluster-type", "t", connectedClustersType, "type of the cluster; kubearc has connectedClusters only")
	_ = cmd.MarkFlagRequired("cluster-name")
	_ = cmd.MarkFlagRequired("resource-group")
}

// addFlags adds the cluster flags and -n/--name.
func (r *extensionRef) addFlags(cmd *cobra.Command) {
	r.addFlagsNaming(cmd, "extension")
}

// addFlagsNaming adds the cluster flags and -n/--name, the name of a noun.
func (r *extensionRef) addFlagsNaming(cmd *cobra.Command, noun string) {
	r.addClusterFlags(cmd)
	cmd.Flags().StringVarP(&r.name, "name", "n", "", "name of the "+noun)
	_ = cmd.MarkFlagRequired("name")
}

// resolve returns a hub client and the cluster's validated ID.
func (k *extensionCommands) resolve(r extensionRef) (*armclient.Client, armid.ClusterID, error) {
	if !strings.EqualFold(r.clusterType, connectedClustersType) {
		return nil, armid.ClusterID{}, fmt.Errorf("--cluster-type %q is not supported: kubearc manages %s only", r.clusterType, connectedClustersType)
	}
	return k.clusterCommands.resolve(r.cluster)
}

// waitFlags are --no-wait and --timeout.
type waitFlags struct {
	noWait  bool
	timeout time.Duration
}

func (w *waitFlags) addFlags(cmd *cobra.Command, what string) {
	w.addFlagsAs(cmd, "timeout", what)
}

// addFlagsAs adds --no-wait and the timeout as timeoutFlag; what is what the agent does.
func (w *waitFlags) addFlagsAs(cmd *cobra.Command, timeoutFlag, what string) {
	cmd.Flags().BoolVar(&w.noWait, "no-wait", false, "do not wait for the agent to "+what)
	cmd.Flags().DurationVar(&w.timeout, timeoutFlag, 10*time.Minute, "how long to wait for the agent to "+what)
}

// parsePairFlags parses the flags of a command that has DisableFlagParsing, so that a
// key=value flag takes several pairs as az's do ("--configuration-settings a=1 b=2"), then
// runs the checks cobra would have run. Parse errors never show protected settings.
func parsePairFlags(cmd *cobra.Command, args []string) error {
	cmd.DisableFlagParsing = false
	expanded := joinBoolValues(expandPairArgs(args, flagSettings, flagProtectedSettings), "--"+flagAutoUpgrade, "--auto-upgrade")
	hide := redactor{secrets: protectedArgs(expanded)}
	return parseFlagsAsCobra(cmd, expanded, hide)
}

// parsingItsFlags makes cmd parse its own flags with parse (DisableFlagParsing), so that a
// flag may take several values as az's do, then run.
func parsingItsFlags(cmd *cobra.Command, parse func(*cobra.Command, []string) error, run func(*cobra.Command) error) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.DisableFlagParsing = true
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := parse(cmd, args); err != nil {
			return err
		}
		return run(cmd)
	}
	return cmd
}

// parseFlagsAsCobra parses args, already regrouped, for a command that has
// DisableFlagParsing, then runs the checks cobra would have run; hide keeps secrets out of
// the errors.
func parseFlagsAsCobra(cmd *cobra.Command, args []string, hide redactor) error {
	if err := cmd.ParseFlags(args); err != nil {
		return hide.error(cmd.FlagErrorFunc()(cmd, err))
	}
	if help, _ := cmd.Flags().GetBool("help"); help {
		return pflag.ErrHelp
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return err
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return err
	}
	return hide.error(noArgsHintingBoolFlags(cmd, cmd.Flags().Args()))
}

// joinBoolValues turns "--flag true|false" into "--flag=true|false" for the boolean flags
// named, as az takes them; pflag needs the "=" form.
func joinBoolValues(args []string, boolFlags ...string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		if i+1 < len(args) && slices.Contains(boolFlags, args[i]) && isBoolText(args[i+1]) {
			out = append(out, args[i]+"="+strings.ToLower(args[i+1]))
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func isBoolText(s string) bool {
	s = strings.ToLower(s)
	return s == "true" || s == "false"
}

// azAliases maps az's short spelling --auto-upgrade to --auto-upgrade-minor-version.
func azAliases(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	if name == "auto-upgrade" {
		name = flagAutoUpgrade
	}
	return pflag.NormalizedName(name)
}

// protectedArgs are the arguments that may hold protected settings: everything after
// --configuration-protected-settings up to the next flag, and its "=value" form.
func protectedArgs(args []string) []string {
	var out []string
	inside := false
	for _, arg := range args {
		switch {
		case arg == "--" || (strings.HasPrefix(arg, "-") && arg != "-"):
			name, value, hasValue := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
			inside = strings.HasPrefix(arg, "--") && name == flagProtectedSettings
			if inside && hasValue {
				out = append(out, secretParts(value)...)
			}
		case inside:
			out = append(out, secretParts(arg)...)
		}
	}
	return out
}

// secretParts are a protected key=value argument and its value, to be hidden wherever they
// would appear.
func secretParts(arg string) []string {
	if _, value, ok := strings.Cut(arg, "="); ok && value != "" {
		return []string{arg, value}
	}
	if arg == "" {
		return nil
	}
	return []string{arg}
}
