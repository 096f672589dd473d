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
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"
	"github.com/spf13/cobra"
)

func (p *policyCommands) assignmentCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "assignment",
		Short: "Manage policy assignments (Microsoft.Authorization/policyAssignments)",
		Long: "Manage policy assignments, as 'az policy assignment' does. An assignment applies a definition,\n" +
			"with values for its parameters, to every connected cluster of its scope (a subscription, a\n" +
			"resource group or one cluster) except those of --not-scopes. The hub pushes it to the clusters'\n" +
			"agents at once; Gatekeeper enforces it (DoNotEnforce: audit only) and its audit is reported back.",
	}
	cmd.AddCommand(p.assignmentCreateCommand(), p.assignmentShowCommand(), p.assignmentListCommand(), p.assignmentDeleteCommand())
	return cmd
}

func (p *policyCommands) assignmentShowCommand() *cobra.Command {
	var s scopeFlags
	cmd := onNamed(&cobra.Command{
		Use:   "show -n NAME [--scope SCOPE | -g GROUP]",
		Short: "Show a policy assignment",
	}, "policy assignment", func() (policyTarget, error) { return p.target(s) }, func(cmd *cobra.Command, t policyTarget, name string) error {
		a, err := t.client.GetPolicyAssignment(cmd.Context(), t.scope, name)
		if err != nil {
			return fmt.Errorf("showing policy assignment '%s': %w", name, err)
		}
		return p.output.print(cmd.OutOrStdout(), a, func(w io.Writer) error { return writeAssignmentDetails(w, a) })
	})
	s.addFlags(cmd)
	return cmd
}

func (p *policyCommands) assignmentListCommand() *cobra.Command {
	var s scopeFlags
	var everywhere bool
	cmd := &cobra.Command{
		Use:   "list [--scope SCOPE | -g GROUP] [--disable-scope-strict-match]",
		Short: "List the policy assignments of a scope",
		Long: "List the policy assignments of a scope (the subscription by default), as 'az policy assignment\n" +
			"list' does: those made at that very scope, or with --disable-scope-strict-match also those\n" +
			"inherited from the scopes that contain it and those made within it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := p.target(s)
			if err != nil {
				return err
			}
			all, err := allPages(cmd.Context(), t.client.ListPolicyAssignments(t.scope), assignmentsOf)
			if err != nil {
				return fmt.Errorf("listing the policy assignments of %s: %w", t.scope, err)
			}
			if !everywhere {
				all = atScope(all, t.scope)
			}
			return printList(p, cmd, all, "No policy assignments at scope '"+t.scope+"'.", writeAssignmentTable)
		},
	}
	s.addFlags(cmd)
	cmd.Flags().BoolVar(&everywhere, "disable-scope-strict-match", false,
		"also list the assignments inherited from the scopes that contain the scope and those made within it")
	return cmd
}

func (p *policyCommands) assignmentDeleteCommand() *cobra.Command {
	var s scopeFlags
	cmd := onNamed(&cobra.Command{
		Use:   "delete -n NAME [--scope SCOPE | -g GROUP]",
		Short: "Delete a policy assignment; the agents remove its Gatekeeper constraint",
	}, "policy assignment", func() (policyTarget, error) { return p.target(s) }, func(cmd *cobra.Command, t policyTarget, name string) error {
		existed, err := t.client.DeletePolicyAssignment(cmd.Context(), t.scope, name)
		if err != nil {
			return fmt.Errorf("deleting policy assignment '%s': %w", name, err)
		}
		reportDeleted(cmd.OutOrStdout(), existed, "policy assignment", name, "at scope '"+t.scope+"'")
		return nil
	})
	s.addFlags(cmd)
	return cmd
}

// assignmentsOf are the assignments of a page.
func assignmentsOf(page armpolicy.AssignmentListResult) []*armpolicy.Assignment { return page.Value }

// atScope keeps the assignments made at scope itself, as az does without
// --disable-scope-strict-match.
func atScope(all []*armpolicy.Assignment, scope string) []*armpolicy.Assignment {
	out := make([]*armpolicy.Assignment, 0, len(all))
	for _, a := range all {
		if sameScope(assignmentScope(a), scope) {
			out = append(out, a)
		}
	}
	return out
}

// assignmentsSegment is what separates an assignment's scope from its name in its ID.
const assignmentsSegment = "/providers/Microsoft.Authorization/policyAssignments/"

// assignmentScope is the scope of an assignment: its scope property, else the start of its ID.
func assignmentScope(a *armpolicy.Assignment) string {
	if s := val(assignmentProps(a).Scope); s != "" {
		return s
	}
	return scopeOfAssignmentID(val(a.ID))
}

// scopeOfAssignmentID is the scope at the start of an assignment's ID.
func scopeOfAssignmentID(id string) string {
	if i := strings.LastIndex(strings.ToLower(id), strings.ToLower(assignmentsSegment)); i >= 0 {
		return id[:i]
	}
	return ""
}
