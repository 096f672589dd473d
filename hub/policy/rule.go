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
	"maps"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/policytemplate"
)

// Effects of a Kubernetes definition that kubearc enforces, lower case.
const (
	effectAudit    = "audit"
	effectDeny     = "deny"
	effectDisabled = "disabled"
)

var kubernetesEffects = []string{effectAudit, effectDeny, effectDisabled}

// ruleField is the JSON path of a definition's policy rule.
const ruleField = "properties.policyRule"

// policyRule is a definition's rule, as far as kubearc reads it.
type policyRule struct {
	If   map[string]any `json:"if"`
	Then *struct {
		Effect  *string         `json:"effect"`
		Details json.RawMessage `json:"details"`
	} `json:"then"`
}

// kubernetesRule is what a Microsoft.Kubernetes.Data definition's rule says of the constraint.
type kubernetesRule struct {
	// effect is then.effect: a literal or an expression.
	effect string
	// details is then.details without templateInfo (numbers as json.Number).
	details map[string]any
	// template is the ConstraintTemplate.
	template string
}

// shape is the JSON type a field of then.details must have once resolved.
type shape struct {
	noun  string
	param string // the type of a parameter that may stand for the whole field
	fits  func(any) bool
}

var (
	stringList = shape{"an array of strings", "Array", func(v any) bool {
		list, ok := v.([]any)
		return ok && !slices.ContainsFunc(list, func(item any) bool { _, ok := item.(string); return !ok })
	}}
	object  = shape{"an object", "Object", func(v any) bool { _, ok := v.(map[string]any); return ok }}
	boolean = shape{"a boolean", "Boolean", func(v any) bool { _, ok := v.(bool); return ok }}
	text    = shape{"a string", "String", func(v any) bool { _, ok := v.(string); return ok }}
)

// detailShapes are the fields of then.details kubearc uses; others are ignored.
var detailShapes = map[string]shape{
	"apiGroups": stringList, "kinds": stringList, "namespaces": stringList, "excludedNamespaces": stringList,
	"labelSelector": object, "values": object, "warn": boolean,
}

// parseRule checks a definition's policy rule: an object with if and then.effect; for a
// Kubernetes definition also the effect, the details and the template (fetched is the content
// of a PublicURL template). Other modes give no Kubernetes rule.
func parseRule(mode string, raw json.RawMessage, params parameters, fetched string) (*kubernetesRule, error) {
	var rule policyRule
	if err := json.Unmarshal(raw, &rule); err != nil || rule.If == nil || rule.Then == nil || rule.Then.Effect == nil {
		return nil, nested.Invalid("The property '%s' must be an object with 'if' (an object) and 'then' with an 'effect'.", ruleField)
	}
	if !strings.EqualFold(mode, ModeKubernetes) {
		return nil, nil
	}
	kr := &kubernetesRule{effect: *rule.Then.Effect}
	if err := checkExpressionOf(ruleField+".then.effect", kr.effect, text, params); err != nil {
		return nil, err
	}
	if e, literal, _ := parseString(kr.effect); e == nil && !slices.Contains(kubernetesEffects, strings.ToLower(literal)) {
		return nil, nested.Invalid("The property '%s.then.effect' is '%s'; a %s definition's effect must be audit, deny or disabled, or [parameters('name')] of one.", ruleField, literal, ModeKubernetes)
	}
	var err error
	if kr.details, kr.template, err = parseDetails(rule.Then.Details, params, fetched); err != nil {
		return nil, err
	}
	return kr, kr.checkDefaults(params)
}

// parseDetails checks then.details and returns them without templateInfo, and the template.
func parseDetails(raw json.RawMessage, params parameters, fetched string) (map[string]any, string, error) {
	const field = ruleField + ".then.details"
	v, err := decodeValue(raw)
	details, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, "", nested.Missing("The property '%s' is required: an object with templateInfo (the Gatekeeper ConstraintTemplate) and what the constraint matches.", field)
	}
	for _, legacy := range []string{"constraintTemplate", "constraint"} {
		if _, ok := details[legacy]; ok {
			return nil, "", nested.Invalid("The property '%s.%s' is the retired form of Azure Policy for Kubernetes; use templateInfo (sourceType %s or %s) instead.", field, legacy, SourceBase64, SourcePublic)
		}
	}
	template, err := detailTemplate(details["templateInfo"], fetched)
	if err != nil {
		return nil, "", err
	}
	delete(details, "templateInfo")
	for _, name := range slices.Sorted(maps.Keys(details)) {
		if err := checkDetail(field, name, details[name], params); err != nil {
			return nil, "", err
		}
	}
	return details, template, nil
}

// detailTemplate reads templateInfo (a literal) and checks the template it names.
func detailTemplate(v any, fetched string) (string, error) {
	info, ok := v.(map[string]any)
	if !ok {
		return "", nested.Missing("The property '%s' is required: {sourceType: %s, content} or {sourceType: %s, url}.", templateField, SourceBase64, SourcePublic)
	}
	raw, _ := json.Marshal(info)
	var ti templateInfo
	if err := json.Unmarshal(raw, &ti); err != nil {
		return "", nested.Invalid("The property '%s' is invalid: %v.", templateField, err)
	}
	content, err := ti.content(fetched)
	if err != nil {
		return "", err
	}
	if err := checkTemplate(content, templateField); err != nil {
		return "", err
	}
	return content, nil
}

// checkDetail checks the field name of then.details (at path parent): its expressions name
// parameters of the definition, and a field kubearc uses has the right shape (or is a
// parameter of that type).
func checkDetail(parent, name string, v any, params parameters) error {
	field := parent + "." + name
	if _, err := walk(v, field, func(path, s string) (any, error) {
		return nil, checkExpressionOf(path, s, shape{}, params)
	}); err != nil {
		return err
	}
	sh, used := detailShapes[name]
	if !used {
		return nil
	}
	if s, ok := v.(string); ok {
		if e, _, _ := parseString(s); e != nil {
			return checkExpressionOf(field, s, sh, params)
		}
	}
	if !sh.fits(v) {
		return nested.Invalid("The property '%s' must be %s, or [parameters('name')] of one.", field, sh.noun)
	}
	if name == "labelSelector" && !hasExpression(v) {
		if err := checkLabelSelector(v); err != nil {
			return nested.Invalid("The property '%s' is invalid: %v.", field, err)
		}
	}
	return nil
}

// hasExpression reports whether v holds a parameter expression anywhere.
func hasExpression(v any) bool {
	found := false
	_, _ = walk(v, "", func(_, s string) (any, error) {
		if e, _, err := parseString(s); e != nil || err != nil {
			found = true
		}
		return s, nil
	})
	return found
}

// checkLabelSelector checks a labelSelector (as decoded JSON) as the agent will: a
// Kubernetes label selector, strictly; an empty one is left out of the constraint.
func checkLabelSelector(v any) error {
	raw, _ := json.Marshal(v) // decoded JSON: cannot fail
	if !present(raw) || string(raw) == "{}" {
		return nil
	}
	_, err := policytemplate.LabelSelector(raw)
	return err
}

// checkExpressionOf checks that s, when an expression, is one kubearc evaluates and names a
// parameter of the definition; when it stands for a whole field of shape want (want.param
// set) without accessors, the parameter must be of that type.
func checkExpressionOf(field, s string, want shape, params parameters) error {
	e, _, err := parseString(s)
	switch {
	case err != nil:
		return nested.Invalid("The property '%s' is invalid: %v.", field, err)
	case e == nil:
		return nil
	}
	p, ok := params[strings.ToLower(e.param)]
	switch {
	case !ok:
		return nested.Invalid("The property '%s' uses the parameter '%s', which the definition does not define in properties.parameters; it defines: %s.", field, e.param, params.names())
	case want.param != "" && len(e.path) == 0 && p.typ != want.param:
		return nested.Invalid("The property '%s' must be %s, but the parameter '%s' it uses is of type %s.", field, want.noun, p.name, p.typ)
	}
	return nil
}

// checkDefaults resolves the rule with the parameters' defaults when every parameter has one,
// so that a definition no assignment could use is refused when written.
func (kr *kubernetesRule) checkDefaults(params parameters) error {
	values := make(map[string]any, len(params))
	for key, p := range params {
		if !p.hasDefault {
			return nil
		}
		values[key] = p.def
	}
	if _, err := kr.resolve(values); err != nil {
		return nested.Invalid("The property '%s' is invalid with the parameters' default values: %v.", ruleField, err)
	}
	return nil
}
