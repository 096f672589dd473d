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

func (k *fluxCommands) deleteCommand() *cobra.Command {
	return nestedDeleteCommand(k.extensionCommands, fluxKind(), &cobra.Command{
		Short: "Delete a Flux configuration and wait until the agent removed its Flux objects",
		Long: "Delete a Flux configuration, as 'az k8s-configuration flux delete' does. The hub keeps it\n" +
			"(Deleting) until the cluster's agent has removed its Flux objects (and, with prune, what they\n" +
			"applied); arcctl waits for that unless --no-wait is given. --force removes it from the hub at\n" +
			"once. Asks for confirmation unless --yes is given; without a terminal, --yes is required.",
		Example: "  arcctl k8s-configuration flux delete -c store-042 -g edge-eu -n cluster-config --yes",
	}, "remove the configuration from the hub without waiting for the agent", "remove the Flux objects")
}
