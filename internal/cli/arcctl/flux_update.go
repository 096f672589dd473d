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

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
)

type fluxUpdateOptions struct {
	ref            fluxRef
	suspend        bool
	source         fluxSourceFlags
	kustomizations kustomizationsFlag
	wait           fluxWaitFlags
}

func (k *fluxCommands) updateCommand() *cobra.Command {
	o := &fluxUpdateOptions{}
	return newFluxUpdateCommand(o, func(cmd *cobra.Command) error { return k.update(cmd, *o) })
}

// newFluxUpdateCommand is the update command filling o; run runs once the flags are parsed.
func newFluxUpdateCommand(o *fluxUpdateOptions, run func(*cobra.Command) error) *cobra.Command {
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "update -c CLUSTER -g GROUP -n NAME [flags]",
		Short: "Change a Flux configuration and wait until the agent applied the change",
		Long: "Change a Flux configuration, as 'az k8s-configuration flux update' does: only the flags given\n" +
			"change. A reference flag (--branch, --tag, --semver, --commit) replaces the reference;\n" +
			"--kustomization adds a kustomization or changes the keys it gives of an existing one.\n" +
			"--suspend=true suspends Flux's reconciliation, --suspend=false resumes it.",
		Example: "  arcctl k8s-configuration flux update -c store-042 -g edge-eu -n cluster-config --tag v1.2.0\n" +
			"  arcctl k8s-configuration flux update -c store-042 -g edge-eu -n cluster-config --suspend=true",
	}, parseFluxFlags, run)
	o.ref.addFlags(cmd)
	cmd.Flags().BoolVar(&o.suspend, "suspend", false, "suspend (true) or resume (false) Flux's reconciliation")
	cmd.Flags().Var(&o.kustomizations, flagKustomization, "a kustomization to add or change, as key=value pairs; repeatable")
	o.source.addFlags(cmd)
	o.wait.addFlags(cmd, "apply the change")
	return cmd
}

// fluxUpdatePatch builds the PATCH body from the flags the user set.
func fluxUpdatePatch(o fluxUpdateOptions, changed func(string) bool) (armkc.FluxConfigurationPatch, redactor, error) {
	git, protected, hide, err := o.source.gitRepository(changed)
	if err != nil {
		return armkc.FluxConfigurationPatch{}, hide, err
	}
	p := &armkc.FluxConfigurationPatchProperties{ConfigurationProtectedSettings: protected}
	if git != nil {
		pg := armkc.GitRepositoryPatchDefinition(*git)
		p.GitRepository = &pg
	}
	if changed("suspend") {
		p.Suspend = &o.suspend
	}
	if len(o.kustomizations.items) > 0 {
		p.Kustomizations = map[string]*armkc.KustomizationPatchDefinition{}
		for _, it := range o.kustomizations.items {
			p.Kustomizations[it.name] = kustomizationPatch(it.def)
		}
	}
	if p.GitRepository == nil && p.Suspend == nil && p.Kustomizations == nil && p.ConfigurationProtectedSettings == nil {
		return armkc.FluxConfigurationPatch{}, hide, errNoChange
	}
	return armkc.FluxConfigurationPatch{Properties: p}, hide, nil
}

// kustomizationPatch is d in the PATCH form.
func kustomizationPatch(d armkc.KustomizationDefinition) *armkc.KustomizationPatchDefinition {
	return &armkc.KustomizationPatchDefinition{DependsOn: d.DependsOn, Force: d.Force, Path: d.Path, PostBuild: d.PostBuild,
		Prune: d.Prune, RetryIntervalInSeconds: d.RetryIntervalInSeconds, SyncIntervalInSeconds: d.SyncIntervalInSeconds,
		TimeoutInSeconds: d.TimeoutInSeconds, Wait: d.Wait}
}

func (k *fluxCommands) update(cmd *cobra.Command, o fluxUpdateOptions) error {
	patch, hide, err := fluxUpdatePatch(o, cmd.Flags().Changed)
	if err != nil {
		return err
	}
	return writeAndShow(k.extensionCommands, cmd, fluxPatchWrite(o.wait, hide), o.ref.extensionRef,
		func(ctx context.Context, client *armclient.Client, cluster armid.ClusterID) (*armkc.FluxConfiguration, error) {
			return client.PatchFluxConfiguration(ctx, cluster, o.ref.name, patch)
		})
}

// fluxPatchWrite is a PATCH of a Flux configuration.
func fluxPatchWrite(w fluxWaitFlags, hide redactor) nestedWrite[armkc.FluxConfiguration] {
	return nestedWrite[armkc.FluxConfiguration]{kind: fluxKind(), verb: "Updating", doing: "apply", wait: w.waitFlags, hide: hide}
}

// applyPatch sends patch and, unless told not to, waits until the agent applied it.
func (k *fluxCommands) applyPatch(cmd *cobra.Command, client *armclient.Client, cluster armid.ClusterID, name string,
	patch armkc.FluxConfigurationPatch, w fluxWaitFlags, hide redactor) (*armkc.FluxConfiguration, error) {
	write := fluxPatchWrite(w, hide)
	write.client, write.cluster, write.name, write.progress = client, cluster, name, k.streams.Err
	return write.run(cmd.Context(), func(ctx context.Context) (*armkc.FluxConfiguration, error) {
		return client.PatchFluxConfiguration(ctx, cluster, name, patch)
	})
}
