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
)

// writeDefinitionTable writes one row per policy definition.
func writeDefinitionTable(w io.Writer, defs []*armpolicy.Definition) error {
	tw := newTable(w, "NAME\tTYPE\tMODE\tDISPLAY NAME")
	for _, d := range defs {
		p := definitionProps(d)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", orDash(val(d.Name)), orDash(string(val(p.PolicyType))), orDash(val(p.Mode)), orDash(val(p.DisplayName)))
	}
	return tw.Flush()
}

// writeDefinitionDetails writes a policy definition as "Key: value" lines, a line per parameter.
func writeDefinitionDetails(w io.Writer, d *armpolicy.Definition) error {
	p := definitionProps(d)
	then := mapOf(mapOf(p.PolicyRule)["then"])
	details := mapOf(then["details"])
	params := make([]detailRow, 0, len(p.Parameters))
	for _, name := range sortedKeys(p.Parameters) {
		params = append(params, detailRow{"Parameter", parameterText(name, p.Parameters[name])})
	}
	return writeDetails(w, append([]detailRow{
		{"Name", val(d.Name)},
		{"ID", val(d.ID)},
		{"Policy type", string(val(p.PolicyType))},
		{"Mode", val(p.Mode)},
		{"Display name", val(p.DisplayName)},
		{"Description", val(p.Description)},
		{"Effect", jsonText(then["effect"])},
		{"Template", templateText(mapOf(details["templateInfo"]))},
		{"Kinds", jsonText(details["kinds"])},
		{"Metadata", anyTags(p.Metadata)},
	}, params...))
}

// definitionProps never returns nil, so views need no checks.
func definitionProps(d *armpolicy.Definition) *armpolicy.DefinitionProperties {
	if d == nil || d.Properties == nil {
		return &armpolicy.DefinitionProperties{}
	}
	return d.Properties
}

// templateText shows where a rule's constraint template comes from: its URL, or the size of
// its inline content.
func templateText(info map[string]any) string {
	source := jsonText(info["sourceType"])
	if url := jsonText(info["url"]); url != "" {
		return joinNonEmpty(" ", source, url)
	}
	if content := jsonText(info["content"]); content != "" {
		return fmt.Sprintf("%s (%d characters)", source, len(content))
	}
	return source
}

// parameterText shows a parameter definition: "name (Type) default … allowed …".
func parameterText(name string, p *armpolicy.ParameterDefinitionsValue) string {
	if p == nil {
		return name
	}
	parts := []string{name, "(" + string(val(p.Type)) + ")"}
	if p.DefaultValue != nil {
		parts = append(parts, "default "+jsonText(p.DefaultValue))
	}
	if len(p.AllowedValues) > 0 {
		allowed := make([]string, 0, len(p.AllowedValues))
		for _, v := range p.AllowedValues {
			allowed = append(allowed, jsonText(v))
		}
		parts = append(parts, "allowed "+strings.Join(allowed, ", "))
	}
	return strings.Join(parts, " ")
}
