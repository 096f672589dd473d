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

func (k *extensionCommands) deleteCommand() *cobra.Command {
	return nestedDeleteCommand(k, extensionKind(), &cobra.Command{
		Short: "Delete an extension and wait until the agent uninstalled it",
		Long: "Delete an extension, as 'az k8s-extension delete' does. The hub keeps it (Deleting) until the\n" +
			"cluster's agent has uninstalled its Helm release; arcctl waits for that unless --no-wait is\n" +
			"given. --force removes it from the hub at once, whether the agent uninstalled it or not.\n" +
			"Asks for confirmation unless --yes is given; without a terminal to ask on, --yes is required.",
		Example: "  arcctl k8s-extension delete -c store-042 -g edge-eu -n gk --yes",
	}, "remove the extension from the hub without waiting for the agent to uninstall it", "uninstall the extension")
}
