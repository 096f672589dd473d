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
	"github.com/spf13/cobra"
)

func (k *fluxCommands) showCommand() *cobra.Command {
	var ref fluxRef
	cmd := &cobra.Command{
		Use:   "show -c CLUSTER -g GROUP -n NAME",
		Short: "Show a Flux configuration: its source, kustomizations, compliance and Flux objects",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return showNested(k.extensionCommands, cmd, fluxKind(), ref.extensionRef)
		},
	}
	ref.addFlags(cmd)
	return cmd
}

func (k *fluxCommands) listCommand() *cobra.Command {
	var ref fluxRef
	cmd := &cobra.Command{
		Use:   "list -c CLUSTER -g GROUP",
		Short: "List the Flux configurations of a connected cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listNested(k.extensionCommands, cmd, fluxKind(), ref.extensionRef)
		},
	}
	ref.addClusterFlags(cmd)
	return cmd
}
