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

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

// fluxWaitTimeoutFlag is how long the Flux commands wait for the agent.
const fluxWaitTimeoutFlag = "wait-timeout"

// fluxWaitFlags are --no-wait and --wait-timeout (--timeout is the repository's, as in az).
type fluxWaitFlags struct {
	waitFlags
}

func (w *fluxWaitFlags) addFlags(cmd *cobra.Command, what string) {
	w.addFlagsAs(cmd, fluxWaitTimeoutFlag, what)
}

type fluxCreateOptions struct {
	ref            fluxRef
	scope          string
	namespace      string
	kind           string
	suspend        bool
	source         fluxSourceFlags
	kustomizations kustomizationsFlag
	wait           fluxWaitFlags
}

func (k *fluxCommands) createCommand() *cobra.Command {
	o := &fluxCreateOptions{}
	return newFluxCreateCommand(o, func(cmd *cobra.Command) error { return k.create(cmd, *o) })
}

// newFluxCreateCommand is the create command filling o; run runs once the flags are parsed.
func newFluxCreateCommand(o *fluxCreateOptions, run func(*cobra.Command) error) *cobra.Command {
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "create -c CLUSTER -g GROUP -n NAME --url URL --branch BRANCH [--kustomization name=… path=…]… [flags]",
		Short: "Create a Flux configuration and wait until the agent applied it",
		Long: "Create a Flux configuration on a connected cluster, as 'az k8s-configuration flux create' does,\n" +
			"then wait until the cluster's agent reports it applied (Succeeded) or failed, and show its\n" +
			"compliance, unless --no-wait is given. Progress goes to stderr, the configuration to stdout.\n" +
			"--kustomization takes one kustomization as key=value pairs (name, path, depends_on, timeout,\n" +
			"sync_interval, retry_interval, prune, force, wait); repeat it for more.",
		Example: "  arcctl k8s-configuration flux create -c store-042 -g edge-eu -n cluster-config \\\n" +
			"      --url https://github.com/org/fleet --branch main \\\n" +
			"      --kustomization name=infra path=./infrastructure prune=true \\\n" +
			"      --kustomization name=apps path=./apps/staging prune=true depends_on=[\"infra\"]\n" +
			"  arcctl k8s-configuration flux create -c store-042 -g edge-eu -n private \\\n" +
			"      --url ssh://git@github.com/org/private --branch main \\\n" +
			"      --ssh-private-key-file ~/.ssh/id_ed25519 --known-hosts-file known_hosts",
	}, parseFluxFlags, run)
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.scope, "scope", "cluster", "scope of the configuration: cluster or namespace")
	f.StringVar(&o.namespace, "namespace", "default", "namespace of the Flux objects (--ns for short)")
	f.StringVar(&o.kind, "kind", "git", "source kind; only git")
	f.BoolVar(&o.suspend, "suspend", false, "create the configuration suspended")
	f.Var(&o.kustomizations, flagKustomization, "a kustomization as key=value pairs: name=NAME path=PATH [prune=true] [depends_on=[a,b]] …; repeatable")
	o.source.addFlags(cmd)
	_ = cmd.MarkFlagRequired("url")
	o.wait.addFlags(cmd, "apply the configuration")
	return cmd
}

// fluxCreateBody builds the PUT body and the redactor of its secrets.
func fluxCreateBody(o fluxCreateOptions, changed func(string) bool) (armkc.FluxConfiguration, redactor, error) {
	scope, err := scopeValue(o.scope)
	if err != nil {
		return armkc.FluxConfiguration{}, redactor{}, err
	}
	if o.kind != "git" {
		return armkc.FluxConfiguration{}, redactor{}, fmt.Errorf("--kind %q is not supported: kubearc syncs Git repositories only (--kind git)", o.kind)
	}
	git, protected, hide, err := o.source.gitRepository(changed)
	if err != nil {
		return armkc.FluxConfiguration{}, hide, err
	}
	if git == nil || git.RepositoryRef == nil {
		return armkc.FluxConfiguration{}, hide, errors.New("give the reference to sync: one of --branch, --tag, --semver or --commit")
	}
	props := &armkc.FluxConfigurationProperties{
		Scope: ptr(armkc.ScopeType(scope)), Namespace: &o.namespace, SourceKind: ptr(armkc.SourceKindTypeGitRepository),
		GitRepository: git, ConfigurationProtectedSettings: protected, Kustomizations: kustomizationMap(o.kustomizations),
	}
	if changed("suspend") {
		props.Suspend = &o.suspend
	}
	return armkc.FluxConfiguration{Properties: props}, hide, nil
}

// kustomizationMap is the kustomizations of the --kustomization flags, nil when none.
func kustomizationMap(k kustomizationsFlag) map[string]*armkc.KustomizationDefinition {
	if len(k.items) == 0 {
		return nil
	}
	out := make(map[string]*armkc.KustomizationDefinition, len(k.items))
	for _, it := range k.items {
		def := it.def
		out[it.name] = &def
	}
	return out
}

func (k *fluxCommands) create(cmd *cobra.Command, o fluxCreateOptions) error {
	body, hide, err := fluxCreateBody(o, cmd.Flags().Changed)
	if err != nil {
		return err
	}
	write := nestedWrite[armkc.FluxConfiguration]{kind: fluxKind(), verb: "Creating", doing: "apply", wait: o.wait.waitFlags, hide: hide}
	return writeAndShow(k.extensionCommands, cmd, write, o.ref.extensionRef,
		func(ctx context.Context, client *armclient.Client, cluster armid.ClusterID) (*armkc.FluxConfiguration, error) {
			return client.PutFluxConfiguration(ctx, cluster, o.ref.name, body)
		})
}
