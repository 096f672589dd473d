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
	"io"
	"strconv"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// kustomizationRef names a kustomization of a Flux configuration.
type kustomizationRef struct {
	fluxRef
	kustomization string
}

func (r *kustomizationRef) addFlags(cmd *cobra.Command) {
	r.fluxRef.addFlags(cmd)
	cmd.Flags().StringVarP(&r.kustomization, "kustomization-name", "k", "", "name of the kustomization")
	_ = cmd.MarkFlagRequired("kustomization-name")
}

// kustomizationFlags are the settings of one kustomization; only the flags given are sent.
type kustomizationFlags struct {
	values map[string]*string
	bools  map[string]*bool
}

func (f *kustomizationFlags) addFlags(cmd *cobra.Command) {
	f.values, f.bools = map[string]*string{}, map[string]*bool{}
	fs := cmd.Flags()
	for _, s := range [][2]string{
		{"path", "path in the repository to apply, e.g. ./apps"},
		{"depends-on", "kustomizations to apply first, e.g. infra,base"},
		{"timeout", "how long one apply may take, e.g. 10m"},
		{"sync-interval", "how often to apply, e.g. 10m (--interval too)"},
		{"retry-interval", "how soon to retry a failed apply, e.g. 2m"},
	} {
		f.values[s[0]] = fs.String(s[0], "", s[1])
	}
	for _, b := range [][2]string{
		{"prune", "delete what disappears from the repository"},
		{"force", "recreate objects whose immutable fields changed"},
		{"wait", "wait for the applied objects to be ready (default true)"},
	} {
		f.bools[b[0]] = fs.Bool(b[0], false, b[1])
	}
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "interval" {
			name = "sync-interval"
		}
		return pflag.NormalizedName(name)
	})
}

// definition is the kustomization of the flags that were set.
func (f *kustomizationFlags) definition(changed func(string) bool) (armkc.KustomizationDefinition, bool, error) {
	it := namedKustomization{}
	set := false
	for flag, v := range f.values {
		if changed(flag) {
			if err := setKustomizationKey(&it, flag, *v); err != nil {
				return it.def, false, err
			}
			set = true
		}
	}
	for flag, v := range f.bools {
		if changed(flag) {
			if err := setKustomizationKey(&it, flag, strconv.FormatBool(*v)); err != nil {
				return it.def, false, err
			}
			set = true
		}
	}
	return it.def, set, nil
}

func (k *fluxCommands) kustomizationCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kustomization",
		Short: "Manage the kustomizations of a Flux configuration",
	}
	cmd.AddCommand(k.kustomizationWriteCommand("create"), k.kustomizationWriteCommand("update"), k.kustomizationDeleteCommand(),
		k.kustomizationListCommand(), k.kustomizationShowCommand())
	return cmd
}

// kustomizationWriteCommand is create or update.
func (k *fluxCommands) kustomizationWriteCommand(verb string) *cobra.Command {
	var ref kustomizationRef
	var flags kustomizationFlags
	var w fluxWaitFlags
	cmd := &cobra.Command{
		Use:   verb + " -c CLUSTER -g GROUP -n CONFIG -k NAME [--path PATH] [--depends-on a,b] [--prune] [flags]",
		Short: map[string]string{"create": "Add a kustomization to a Flux configuration", "update": "Change a kustomization of a Flux configuration"}[verb],
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			def, set, err := flags.definition(cmd.Flags().Changed)
			if err != nil {
				return err
			}
			if verb == "update" && !set {
				return errNoChange
			}
			return k.writeKustomization(cmd, ref, verb, &def, w)
		},
	}
	ref.addFlags(cmd)
	flags.addFlags(cmd)
	w.addFlags(cmd, "apply the change")
	return cmd
}

// writeKustomization checks the kustomization exists (update, delete) or not (create), then
// patches the configuration with def (nil removes it).
func (k *fluxCommands) writeKustomization(cmd *cobra.Command, ref kustomizationRef, verb string, def *armkc.KustomizationDefinition, w fluxWaitFlags) error {
	client, cluster, err := k.resolve(ref.fluxRef)
	if err != nil {
		return err
	}
	cfg, err := client.GetFluxConfiguration(cmd.Context(), cluster, ref.name)
	if err != nil {
		return fmt.Errorf("reading Flux configuration '%s': %w", ref.name, err)
	}
	_, exists := fluxProps(cfg).Kustomizations[ref.kustomization]
	switch {
	case verb == "create" && exists:
		return fmt.Errorf("the kustomization '%s' of Flux configuration '%s' already exists; change it with 'kustomization update'", ref.kustomization, ref.name)
	case verb != "create" && !exists:
		return fmt.Errorf("the Flux configuration '%s' has no kustomization '%s'; 'kustomization list' shows its kustomizations", ref.name, ref.kustomization)
	}
	var patchDef *armkc.KustomizationPatchDefinition
	if def != nil {
		patchDef = kustomizationPatch(*def)
	}
	patch := armkc.FluxConfigurationPatch{Properties: &armkc.FluxConfigurationPatchProperties{
		Kustomizations: map[string]*armkc.KustomizationPatchDefinition{ref.kustomization: patchDef}}}
	cfg, err = k.applyPatch(cmd, client, cluster, ref.name, patch, w, redactor{})
	if err != nil {
		return err
	}
	if def == nil {
		fmt.Fprintf(cmd.OutOrStdout(), "Deleted kustomization '%s' of Flux configuration '%s'.\n", ref.kustomization, ref.name)
		return nil
	}
	ks := map[string]*armkc.KustomizationDefinition{ref.kustomization: fluxProps(cfg).Kustomizations[ref.kustomization]}
	return k.output.print(cmd.OutOrStdout(), ks[ref.kustomization], func(w io.Writer) error { return writeKustomizationTable(w, ks) })
}

func (k *fluxCommands) kustomizationDeleteCommand() *cobra.Command {
	var ref kustomizationRef
	var yes bool
	var w fluxWaitFlags
	cmd := &cobra.Command{
		Use:   "delete -c CLUSTER -g GROUP -n CONFIG -k NAME [--yes]",
		Short: "Remove a kustomization from a Flux configuration (with prune, what it applied goes too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !yes {
				ok, err := k.confirm(fmt.Sprintf("Delete kustomization '%s' of Flux configuration '%s'?", ref.kustomization, ref.name))
				if err != nil || !ok {
					return err
				}
			}
			return k.writeKustomization(cmd, ref, "delete", nil, w)
		},
	}
	ref.addFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	w.addFlags(cmd, "apply the change")
	return cmd
}

func (k *fluxCommands) kustomizationListCommand() *cobra.Command {
	var ref fluxRef
	cmd := &cobra.Command{
		Use:   "list -c CLUSTER -g GROUP -n CONFIG",
		Short: "List the kustomizations of a Flux configuration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ks, err := k.kustomizations(cmd, ref)
			if err != nil {
				return err
			}
			return k.output.print(cmd.OutOrStdout(), ks, func(w io.Writer) error { return writeKustomizationTable(w, ks) })
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (k *fluxCommands) kustomizationShowCommand() *cobra.Command {
	var ref kustomizationRef
	cmd := &cobra.Command{
		Use:   "show -c CLUSTER -g GROUP -n CONFIG -k NAME",
		Short: "Show a kustomization of a Flux configuration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ks, err := k.kustomizations(cmd, ref.fluxRef)
			if err != nil {
				return err
			}
			one, ok := ks[ref.kustomization]
			if !ok {
				return fmt.Errorf("the Flux configuration '%s' has no kustomization '%s'; 'kustomization list' shows its kustomizations", ref.name, ref.kustomization)
			}
			only := map[string]*armkc.KustomizationDefinition{ref.kustomization: one}
			return k.output.print(cmd.OutOrStdout(), one, func(w io.Writer) error { return writeKustomizationTable(w, only) })
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (k *fluxCommands) kustomizations(cmd *cobra.Command, ref fluxRef) (map[string]*armkc.KustomizationDefinition, error) {
	client, cluster, err := k.resolve(ref)
	if err != nil {
		return nil, err
	}
	cfg, err := client.GetFluxConfiguration(cmd.Context(), cluster, ref.name)
	if err != nil {
		return nil, fmt.Errorf("reading Flux configuration '%s': %w", ref.name, err)
	}
	ks := fluxProps(cfg).Kustomizations
	if ks == nil {
		ks = map[string]*armkc.KustomizationDefinition{}
	}
	return ks, nil
}
