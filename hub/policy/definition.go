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
	"encoding/json"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
)

// DefinitionProperties are a policy definition's properties, as ARM shows them.
type DefinitionProperties struct {
	// PolicyType is BuiltIn or Custom; the hub sets it.
	PolicyType  string          `json:"policyType,omitempty"`
	Mode        string          `json:"mode,omitempty"`
	DisplayName string          `json:"displayName,omitempty"`
	Description string          `json:"description,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	Version     string          `json:"version,omitempty"`
	// Parameters are the definition's parameters by name.
	Parameters map[string]*ParameterDefinition `json:"parameters,omitempty"`
	// PolicyRule is kept as written; for a Kubernetes definition, then.details says what
	// the constraint matches and its parameters.
	PolicyRule json.RawMessage `json:"policyRule,omitempty"`
}

// DefinitionDoc is a policy definition's ARM document.
type DefinitionDoc = nested.Doc[DefinitionProperties]

// DefinitionList is a page of policy definitions.
type DefinitionList struct {
	Value    []*DefinitionDoc `json:"value"`
	NextLink string           `json:"nextLink,omitempty"`
}

// Limits of a definition's text, as Azure's.
const (
	maxDisplayName = 128
	maxDescription = 512
)

// defaultMode is a definition's mode when it names none, as in Azure.
const defaultMode = "Indexed"

// Definition is a policy definition as the hub uses it: its properties, checked.
type Definition struct {
	// ID is its ARM ID.
	ID string
	// Version is the store version it was read at; "" for a built-in.
	Version    string
	Properties DefinitionProperties
	params     parameters
	// rule is nil for a definition of another mode than Microsoft.Kubernetes.Data.
	rule *kubernetesRule
}

// Kubernetes reports whether assignments of the definition reach clusters: its mode is
// Microsoft.Kubernetes.Data.
func (d *Definition) Kubernetes() bool { return d.rule != nil }

// ParseDefinition checks a definition's properties. fetched is the ConstraintTemplate its
// PublicURL template named when the definition was written ("" when none).
func ParseDefinition(id string, props DefinitionProperties, fetched string) (*Definition, error) {
	if props.Mode == "" {
		props.Mode = defaultMode
	}
	switch {
	case len(props.DisplayName) > maxDisplayName:
		return nil, nested.Invalid("The property 'properties.displayName' is longer than %d characters.", maxDisplayName)
	case len(props.Description) > maxDescription:
		return nil, nested.Invalid("The property 'properties.description' is longer than %d characters.", maxDescription)
	case !present(props.PolicyRule):
		return nil, nested.Missing("The property '%s' is required.", ruleField)
	case present(props.Metadata) && !isObject(props.Metadata):
		return nil, nested.Invalid("The property 'properties.metadata' must be an object.")
	}
	d := &Definition{ID: id, Properties: props}
	var err error
	if d.params, err = parseParameters(props.Parameters); err != nil {
		return nil, err
	}
	if d.rule, err = parseRule(props.Mode, props.PolicyRule, d.params, fetched); err != nil {
		return nil, err
	}
	return d, nil
}

// PublicURL returns the URL of a Kubernetes definition's template when its templateInfo is a
// PublicURL, else "": the hub fetches it before ParseDefinition.
func PublicURL(props DefinitionProperties) string {
	if !strings.EqualFold(props.Mode, ModeKubernetes) {
		return ""
	}
	var rule struct {
		Then struct {
			Details struct {
				TemplateInfo templateInfo `json:"templateInfo"`
			} `json:"details"`
		} `json:"then"`
	}
	if json.Unmarshal(props.PolicyRule, &rule) != nil {
		return ""
	}
	ti := rule.Then.Details.TemplateInfo
	if !strings.EqualFold(ti.SourceType, SourcePublic) {
		return ""
	}
	return ti.URL
}

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	v, err := decodeValue(raw)
	_, ok := v.(map[string]any)
	return err == nil && ok
}

// Doc is the definition's ARM document, with the etag of its version.
func (d *Definition) Doc(audit *nested.SystemData) *DefinitionDoc {
	name := d.ID[strings.LastIndex(d.ID, "/")+1:]
	props := d.Properties
	return &DefinitionDoc{ID: d.ID, Name: name, Type: DefinitionType, ETag: nested.FormatETag(d.Version), SystemData: audit, Properties: &props}
}
