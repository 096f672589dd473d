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
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
	"github.com/spf13/cobra"

	"github.com/kubearc/kubearc/internal/cli/armclient"
)

// locationDeleteOptions are the flags of delete.
type locationDeleteOptions struct {
	ref             locationRef
	deleteNamespace bool
	yes             bool
	wait            waitFlags
}

func (l *locationCommands) deleteCommand() *cobra.Command {
	var o locationDeleteOptions
	cmd := &cobra.Command{
		Use:   "delete -n NAME -g GROUP [--delete-namespace] [--yes] [--no-wait]",
		Short: "Delete a custom location",
		Long: "Delete a custom location, as 'az customlocation delete' does, then wait until the host cluster's\n" +
			"agent has removed the RoleBindings of the custom-location identity. The namespace and what runs\n" +
			"in it stay, unless --delete-namespace (a kubearc flag) asks the agent to delete them too.\n" +
			"Asks for confirmation unless --yes is given.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return l.delete(cmd, o) },
	}
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&o.deleteNamespace, "delete-namespace", false, "also delete the location's namespace and everything in it")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	o.wait.addFlags(cmd, "remove the RoleBindings")
	return cmd
}

func (l *locationCommands) delete(cmd *cobra.Command, o locationDeleteOptions) error {
	client, ref, err := l.resolve(o.ref)
	if err != nil {
		return err
	}
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	loc, err := client.GetCustomLocation(ctx, ref)
	if armclient.HasStatus(err, http.StatusNotFound) {
		fmt.Fprintf(out, "Custom location '%s' in resource group '%s' does not exist; nothing to delete.\n", ref.Name, ref.ResourceGroup)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading custom location '%s': %w", ref.Name, err)
	}
	if !o.yes {
		ok, err := l.confirm(deleteQuestion(ref, loc, o.deleteNamespace))
		if err != nil || !ok {
			return err
		}
	}
	if _, err := client.DeleteCustomLocation(ctx, ref, o.deleteNamespace); err != nil {
		return fmt.Errorf("deleting custom location '%s': %w", ref.Name, err)
	}
	if o.wait.noWait {
		fmt.Fprintf(out, "Custom location '%s' is being deleted; the agent removes its RoleBindings.\n", ref.Name)
		return nil
	}
	host, err := hostCluster(loc)
	if err != nil {
		return err
	}
	watch := &nestedWatch[armextendedlocation.CustomLocation]{kind: locationKind(client, ref), hub: client, cluster: host, name: ref.Name, w: l.streams.Err}
	if err := watch.untilDeleted(ctx, o.wait.timeout, "remove the RoleBindings of"); err != nil {
		return err
	}
	fmt.Fprintf(out, "Deleted custom location '%s' in resource group '%s'.\n", ref.Name, ref.ResourceGroup)
	return nil
}

// deleteQuestion asks to delete a location, saying what happens to its namespace.
func deleteQuestion(ref armclient.CustomLocationRef, loc *armextendedlocation.CustomLocation, deleteNamespace bool) string {
	ns := val(locationProps(loc).Namespace)
	if deleteNamespace {
		return fmt.Sprintf("Delete custom location '%s' in resource group '%s' AND its namespace '%s' with everything in it?", ref.Name, ref.ResourceGroup, ns)
	}
	return fmt.Sprintf("Delete custom location '%s' in resource group '%s'? Its namespace '%s' stays.", ref.Name, ref.ResourceGroup, ns)
}
