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
	"errors"
	"fmt"
	"io"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"
	"github.com/spf13/cobra"
)

// definitionParamsExample is the shape of one parameter of --params of a definition.
const definitionParamsExample = `{"type": "Array", "defaultValue": ["app"], "metadata": {"displayName": "Labels"}}`

type definitionCreateOptions struct {
	name        string
	rules       string
	params      string
	mode        string
	displayName string
	description string
	metadata    pairsFlag
}

func (p *policyCommands) definitionCreateCommand() *cobra.Command {
	o := &definitionCreateOptions{metadata: pairsFlag{name: flagMetadata}}
	return newDefinitionCreateCommand(o, func(cmd *cobra.Command) error { return p.createDefinition(cmd, o) })
}

// newDefinitionCreateCommand is the create command filling o; run runs once the flags are parsed.
func newDefinitionCreateCommand(o *definitionCreateOptions, run func(*cobra.Command) error) *cobra.Command {
	cmd := parsingItsFlags(&cobra.Command{
		Use:   "create -n NAME --rules RULES [--params PARAMS] [--mode MODE] [flags]",
		Short: "Create or replace a custom policy definition of the subscription",
		Long: "Create or replace a custom policy definition, as 'az policy definition create' does. --rules and\n" +
			"--params take JSON, @FILE or the path of a JSON file. A Kubernetes rule names the Gatekeeper\n" +
			"ConstraintTemplate to enforce (templateInfo: PublicURL with url, which the hub fetches when the\n" +
			"definition is written, or Base64Encoded with content), the objects it checks and the values of\n" +
			"the template's parameters, e.g.\n" +
			"  {\"if\": {\"field\": \"type\", \"in\": [\"Microsoft.Kubernetes/connectedClusters\"]},\n" +
			"   \"then\": {\"effect\": \"[parameters('effect')]\", \"details\": {\n" +
			"     \"templateInfo\": {\"sourceType\": \"PublicURL\", \"url\": \"https://example.com/k8srequiredlabels.yaml\"},\n" +
			"     \"apiGroups\": [\"\"], \"kinds\": [\"Namespace\"], \"values\": {\"labels\": \"[parameters('labels')]\"}}}}\n" +
			"--mode defaults to " + kubernetesMode + ", the mode kubearc enforces (az's default is Indexed).",
		Example: "  arcctl policy definition create -n required-labels --rules rules.json \\\n" +
			"      --params '{\"labels\": {\"type\": \"Array\"}, \"effect\": {\"type\": \"String\", \"defaultValue\": \"audit\",\n" +
			"                 \"allowedValues\": [\"audit\", \"deny\", \"disabled\"]}}' \\\n" +
			"      --display-name \"Namespaces must have labels\" --metadata category=Kubernetes version=1.0.0",
	}, parsePolicyFlags, run)
	f := cmd.Flags()
	addNameFlag(cmd, &o.name, "policy definition")
	f.StringVar(&o.rules, "rules", "", `policy rule: JSON, @FILE or the path of a JSON file, {"if": …, "then": {"effect": …, "details": …}}`)
	f.StringVar(&o.params, "params", "", `parameter definitions: JSON, @FILE or the path of a JSON file, {"NAME": {"type": "Array", "defaultValue": …}}`)
	f.StringVarP(&o.mode, "mode", "m", kubernetesMode, "mode of the definition")
	f.StringVar(&o.displayName, "display-name", "", "display name of the definition")
	f.StringVar(&o.description, "description", "", "description of the definition")
	f.Var(&o.metadata, flagMetadata, "metadata as KEY=VALUE pairs, several per flag, e.g. category=Kubernetes version=1.0.0")
	_ = cmd.MarkFlagRequired("rules")
	return cmd
}

func (p *policyCommands) createDefinition(cmd *cobra.Command, o *definitionCreateOptions) error {
	body, err := definitionBody(o)
	if err != nil {
		return err
	}
	client, sub, err := p.clusterSession()
	if err != nil {
		return err
	}
	def, err := client.PutPolicyDefinition(cmd.Context(), sub, o.name, body)
	if err != nil {
		return fmt.Errorf("creating policy definition '%s': %w", o.name, err)
	}
	return p.output.print(cmd.OutOrStdout(), def, func(w io.Writer) error { return writeDefinitionDetails(w, def) })
}

// definitionBody builds the PUT body from the flags, checking their shape; the hub checks
// the rest (the effect, the template, parameter types and defaults).
func definitionBody(o *definitionCreateOptions) (armpolicy.Definition, error) {
	if err := checkName(o.name); err != nil {
		return armpolicy.Definition{}, err
	}
	rule, err := jsonObjectFlag("rules", o.rules)
	if err != nil {
		return armpolicy.Definition{}, err
	}
	if rule["if"] == nil || rule["then"] == nil {
		return armpolicy.Definition{}, errors.New(`--rules must be a policy rule, {"if": …, "then": {"effect": …, "details": …}}`)
	}
	params, err := jsonMembers[armpolicy.ParameterDefinitionsValue]("params", o.params, definitionParamsExample, "type")
	if err != nil {
		return armpolicy.Definition{}, err
	}
	return armpolicy.Definition{Properties: &armpolicy.DefinitionProperties{PolicyType: ptr(armpolicy.PolicyTypeCustom),
		Mode: &o.mode, PolicyRule: rule, Parameters: params, DisplayName: nonEmpty(o.displayName),
		Description: nonEmpty(o.description), Metadata: metadataOf(o.metadata)}}, nil
}

// metadataOf is the metadata of --metadata, nil (not an empty map, which would be sent as
// null) when there is none.
func metadataOf(pairs pairsFlag) any {
	if len(pairs.pairs) == 0 {
		return nil
	}
	out := make(map[string]any, len(pairs.pairs))
	for _, kv := range pairs.pairs {
		out[kv[0]] = kv[1]
	}
	return out
}
