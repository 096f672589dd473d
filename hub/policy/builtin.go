// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// builtinFS holds the built-in definitions: builtin/<slug>.json is an Azure built-in's
// definition (its ID, name, parameters and policy rule), whose templateInfo names no content,
// and builtin/<slug>.yaml the Gatekeeper ConstraintTemplate kubearc wrote for it, which the hub
// serves base64-encoded in templateInfo.content.
//
//go:embed builtin/*.json builtin/*.yaml
var builtinFS embed.FS

// builtinPrefix is the ID of the built-in definitions without their names.
const builtinPrefix = providers + "Microsoft.Authorization/policyDefinitions/"

// BuiltinID is the ID of the built-in definition name.
func BuiltinID(name string) string { return builtinPrefix + name }

// builtins are the built-in definitions, sorted by ID.
type builtins []*Definition

// loadBuiltins reads and checks the built-in definitions.
func loadBuiltins() (builtins, error) {
	files, err := fs.Glob(builtinFS, "builtin/*.json")
	if err != nil {
		return nil, err
	}
	out := make(builtins, 0, len(files))
	for _, file := range files {
		d, err := loadBuiltin(file)
		if err != nil {
			return nil, fmt.Errorf("built-in policy definition %s: %w", path.Base(file), err)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *Definition) int { return strings.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)) })
	return out, nil
}

// loadBuiltin reads one built-in definition and its template.
func loadBuiltin(file string) (*Definition, error) {
	raw, err := builtinFS.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ID         string               `json:"id"`
		Properties DefinitionProperties `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	template, err := builtinFS.ReadFile(strings.TrimSuffix(file, ".json") + ".yaml")
	if err != nil {
		return nil, err
	}
	if doc.Properties.PolicyRule, err = withTemplate(doc.Properties.PolicyRule, template); err != nil {
		return nil, err
	}
	doc.Properties.PolicyType = PolicyTypeBuiltIn
	return ParseDefinition(doc.ID, doc.Properties, "")
}

// withTemplate returns a policy rule whose then.details.templateInfo holds template,
// base64-encoded.
func withTemplate(rule json.RawMessage, template []byte) (json.RawMessage, error) {
	v, err := decodeValue(rule)
	if err != nil {
		return nil, err
	}
	r, _ := v.(map[string]any)
	then, _ := r["then"].(map[string]any)
	details, ok := then["details"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the policy rule has no then.details")
	}
	details["templateInfo"] = map[string]any{"sourceType": SourceBase64, "content": base64.StdEncoding.EncodeToString(template)}
	return json.Marshal(r)
}

// get returns the built-in definition with this ID, or nil.
func (b builtins) get(id string) *Definition {
	for _, d := range b {
		if strings.EqualFold(d.ID, id) {
			return d
		}
	}
	return nil
}
