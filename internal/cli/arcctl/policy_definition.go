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

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"
	"github.com/spf13/cobra"
)

func (p *policyCommands) definitionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "definition",
		Short: "Manage policy definitions (Microsoft.Authorization/policyDefinitions)",
		Long: "Manage the custom policy definitions of a subscription and read the hub's built-in ones, as\n" +
			"'az policy definition' does. Built-ins are Azure's most used Kubernetes policies (allowed\n" +
			"images, no privileged containers, required labels, …); 'list' shows them with the custom ones.",
	}
	cmd.AddCommand(p.definitionCreateCommand(), p.definitionShowCommand(), p.definitionListCommand(), p.definitionDeleteCommand())
	return cmd
}

func (p *policyCommands) definitionShowCommand() *cobra.Command {
	return onNamed(&cobra.Command{
		Use:   "show -n NAME",
		Short: "Show a policy definition: the subscription's custom one of that name, else the built-in one",
	}, "policy definition", p.subscriptionTarget, func(cmd *cobra.Command, t policyTarget, name string) error {
		def, err := findDefinition(cmd.Context(), t.client, t.subscription, name)
		if err != nil {
			return fmt.Errorf("showing policy definition '%s': %w", name, err)
		}
		return p.output.print(cmd.OutOrStdout(), def, func(w io.Writer) error { return writeDefinitionDetails(w, def) })
	})
}

func (p *policyCommands) definitionListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the custom policy definitions of the subscription and the built-in ones",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, sub, err := p.clusterSession()
			if err != nil {
				return err
			}
			defs, err := listDefinitions(cmd.Context(), client, sub)
			if err != nil {
				return fmt.Errorf("listing policy definitions: %w", err)
			}
			return printList(p, cmd, defs, "No policy definitions found.", writeDefinitionTable)
		},
	}
}

func (p *policyCommands) definitionDeleteCommand() *cobra.Command {
	return onNamed(&cobra.Command{
		Use:   "delete -n NAME",
		Short: "Delete a custom policy definition of the subscription",
		Long: "Delete a custom policy definition, as 'az policy definition delete' does. The hub refuses\n" +
			"while an assignment uses it: delete the assignments first. Built-in definitions cannot be deleted.",
	}, "policy definition", p.subscriptionTarget, func(cmd *cobra.Command, t policyTarget, name string) error {
		existed, err := t.client.DeletePolicyDefinition(cmd.Context(), t.subscription, name)
		if err != nil {
			return fmt.Errorf("deleting policy definition '%s': %w", name, err)
		}
		reportDeleted(cmd.OutOrStdout(), existed, "policy definition", name, "of subscription '"+t.subscription+"'")
		return nil
	})
}

// definitionsOf are the definitions of a page.
func definitionsOf(page armpolicy.DefinitionListResult) []*armpolicy.Definition { return page.Value }
