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

// assignmentParamsExample is the shape of one parameter of --params of an assignment.
const assignmentParamsExample = `{"value": ["app"]}`

type assignmentCreateOptions struct {
	name            string
	scope           scopeFlags
	policy          string
	params          string
	enforcementMode string
	notScopes       []string
	displayName     string
	description     string
}

func (p *policyCommands) assignmentCreateCommand() *cobra.Command {
	o := &assignmentCreateOptions{}
	return newAssignmentCreateCommand(o, func(cmd *cobra.Command) error { return p.createAssignment(cmd, o) })
}

// newAssignmentCreateCommand is the create command filling o; run runs once the flags are parsed.
func newAssignmentCreateCommand(o *assignmentCreateOptions, run func(*cobra.Command) error) *cobra.Command {
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "create -n NAME --policy DEFINITION [--scope SCOPE | -g GROUP] [--params PARAMS] [flags]",
		Short: "Create or replace a policy assignment",
		Long: "Create or replace a policy assignment, as 'az policy assignment create' does. --policy names a\n" +
			"definition by ID, or by name: the subscription's custom definition of that name, else the\n" +
			"built-in one. --params gives the values of the definition's parameters as JSON, @FILE or the\n" +
			"path of a JSON file, {\"NAME\": " + assignmentParamsExample + "}. The hub checks them against the\n" +
			"definition and sends the assignment to the agents of the clusters in its scope; with\n" +
			"--enforcement-mode DoNotEnforce, Gatekeeper audits but does not refuse (dryrun).",
		Example: "  arcctl policy assignment create -n ns-labels --policy required-labels -g edge-eu \\\n" +
			"      --params '{\"labels\": {\"value\": [\"team\"]}, \"effect\": {\"value\": \"deny\"}}'\n" +
			"  arcctl policy assignment create -n no-privileged --policy 95edb821-ddaf-4404-9732-666045e056b4 \\\n" +
			"      --enforcement-mode DoNotEnforce \\\n" +
			"      --not-scopes /subscriptions/SUB/resourceGroups/lab /subscriptions/SUB/resourceGroups/ci",
	}, parsePolicyFlags, run)
	f := cmd.Flags()
	addNameFlag(cmd, &o.name, "policy assignment")
	o.scope.addFlags(cmd)
	f.StringVar(&o.policy, "policy", "", "policy definition: its ID, or the name of a custom definition of the subscription or of a built-in")
	f.StringVarP(&o.params, "params", "p", "", "parameter values: JSON, @FILE or the path of a JSON file, {\"NAME\": "+assignmentParamsExample+"}")
	f.StringVar(&o.enforcementMode, "enforcement-mode", string(armpolicy.EnforcementModeDefault),
		"Default enforces the policy (Gatekeeper denies); DoNotEnforce only audits (Gatekeeper dryrun)")
	f.StringArrayVar(&o.notScopes, flagNotScopes, nil, "scopes the assignment does not apply to: IDs of resource groups or clusters, several per flag")
	f.StringVar(&o.displayName, "display-name", "", "display name of the assignment")
	f.StringVar(&o.description, "description", "", "description of the assignment")
	_ = cmd.MarkFlagRequired("policy")
	return cmd
}

func (p *policyCommands) createAssignment(cmd *cobra.Command, o *assignmentCreateOptions) error {
	body, err := assignmentBody(o)
	if err != nil {
		return err
	}
	t, err := p.target(o.scope)
	if err != nil {
		return err
	}
	id, err := resolveDefinitionID(cmd.Context(), t.client, t.subscription, o.policy)
	if err != nil {
		return err
	}
	body.Properties.PolicyDefinitionID = &id
	a, err := t.client.PutPolicyAssignment(cmd.Context(), t.scope, o.name, body)
	if err != nil {
		return fmt.Errorf("creating policy assignment '%s': %w", o.name, err)
	}
	return p.output.print(cmd.OutOrStdout(), a, func(w io.Writer) error { return writeAssignmentDetails(w, a) })
}

// assignmentBody builds the PUT body from the flags but the definition's ID, checking their
// shape; the hub checks the parameters against the definition.
func assignmentBody(o *assignmentCreateOptions) (armpolicy.Assignment, error) {
	if err := checkName(o.name); err != nil {
		return armpolicy.Assignment{}, err
	}
	mode, err := enforcementModeOf(o.enforcementMode)
	if err != nil {
		return armpolicy.Assignment{}, err
	}
	notScopes, err := notScopesOf(o.notScopes)
	if err != nil {
		return armpolicy.Assignment{}, err
	}
	params, err := jsonMembers[armpolicy.ParameterValuesValue]("params", o.params, assignmentParamsExample, "value")
	if err != nil {
		return armpolicy.Assignment{}, err
	}
	return armpolicy.Assignment{Properties: &armpolicy.AssignmentProperties{EnforcementMode: &mode, NotScopes: notScopes,
		Parameters: params, DisplayName: nonEmpty(o.displayName), Description: nonEmpty(o.description)}}, nil
}

// enforcementModeOf reads --enforcement-mode, in any case.
func enforcementModeOf(s string) (armpolicy.EnforcementMode, error) {
	for _, m := range []armpolicy.EnforcementMode{armpolicy.EnforcementModeDefault, armpolicy.EnforcementModeDoNotEnforce} {
		if strings.EqualFold(s, string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("--enforcement-mode %q is not one of Default or DoNotEnforce", s)
}

// notScopesOf reads the --not-scopes values, each of which may hold several scopes separated
// by spaces, as in az.
func notScopesOf(values []string) ([]*string, error) {
	var out []*string
	for _, v := range values {
		for _, scope := range strings.Fields(v) {
			if _, err := parseScope(flagNotScopes, scope); err != nil {
				return nil, err
			}
			out = append(out, ptr(scope))
		}
	}
	return out, nil
}
