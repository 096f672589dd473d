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
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
)

// ParameterDefinition is one parameter of a policy definition, as ARM shows it. Its metadata
// and schema are kept as written; kubearc does not validate values against the schema.
type ParameterDefinition struct {
	Type          string          `json:"type"`
	AllowedValues json.RawMessage `json:"allowedValues,omitempty"`
	DefaultValue  json.RawMessage `json:"defaultValue,omitempty"`
	Schema        json.RawMessage `json:"schema,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
}

// ParameterValue is an assignment's value of one parameter.
type ParameterValue struct {
	Value json.RawMessage `json:"value"`
}

// parameterTypes are the parameter types of Azure Policy, in their ARM spelling.
var parameterTypes = []string{"String", "Array", "Object", "Boolean", "Integer", "Float", "DateTime"}

// parameter is a parameter definition, checked.
type parameter struct {
	// name is the parameter's name as the definition spells it; typ its type's ARM spelling.
	name, typ string
	// allowed are its allowed values, nil when any value of its type is.
	allowed []any
	// def is its default value; hasDefault says it has one.
	def        any
	hasDefault bool
}

// parameters are a definition's parameters by lower-case name: ARM names are
// case-insensitive.
type parameters map[string]*parameter

// parseParameters checks a definition's parameters: known types, allowed values and a
// default of the type, the default among the allowed values.
func parseParameters(defs map[string]*ParameterDefinition) (parameters, error) {
	out := make(parameters, len(defs))
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		p, err := parseParameter(name, defs[name])
		if err != nil {
			return nil, err
		}
		if _, dup := out[strings.ToLower(name)]; dup {
			return nil, nested.Invalid("The property 'properties.parameters' is invalid: the parameter '%s' is defined twice (names are case-insensitive).", name)
		}
		out[strings.ToLower(name)] = p
	}
	return out, nil
}

func parseParameter(name string, d *ParameterDefinition) (*parameter, error) {
	field := "properties.parameters." + name
	if d == nil {
		return nil, nested.Invalid("The property '%s' must be an object with a type.", field)
	}
	i := slices.IndexFunc(parameterTypes, func(t string) bool { return strings.EqualFold(t, d.Type) })
	if i < 0 {
		return nil, nested.Invalid("The property '%s.type' is '%s'; it must be one of %s.", field, d.Type, strings.Join(parameterTypes, ", "))
	}
	p := &parameter{name: name, typ: parameterTypes[i]}
	allowed, err := decodeValue(d.AllowedValues)
	if err != nil {
		return nil, nested.Invalid("The property '%s.allowedValues' is not valid JSON: %v.", field, err)
	}
	if allowed != nil {
		list, ok := allowed.([]any)
		if !ok {
			return nil, nested.Invalid("The property '%s.allowedValues' must be an array.", field)
		}
		for j, v := range list {
			if err := p.checkType(v); err != nil {
				return nil, nested.Invalid("The property '%s.allowedValues[%d]' is invalid: %v.", field, j, err)
			}
		}
		p.allowed = list
	}
	return p, p.parseDefault(field, d.DefaultValue)
}

// parseDefault sets the parameter's default value from raw, checked like a value.
func (p *parameter) parseDefault(field string, raw json.RawMessage) error {
	if !present(raw) {
		return nil
	}
	v, err := decodeValue(raw)
	if err != nil {
		return nested.Invalid("The property '%s.defaultValue' is not valid JSON: %v.", field, err)
	}
	if err := p.check(v); err != nil {
		return nested.Invalid("The property '%s.defaultValue' is invalid: %v.", field, err)
	}
	p.def, p.hasDefault = v, true
	return nil
}

// check checks a value of the parameter: its type and, when it has some, allowed values.
func (p *parameter) check(v any) error {
	if err := p.checkType(v); err != nil {
		return err
	}
	if p.allowed != nil && !slices.ContainsFunc(p.allowed, func(a any) bool { return sameValue(a, v) }) {
		allowed, _ := json.Marshal(p.allowed)
		return fmt.Errorf("the value is not one of the parameter's allowed values %s", allowed)
	}
	return nil
}

// checkType checks that v is of the parameter's type.
func (p *parameter) checkType(v any) error {
	ok := false
	switch p.typ {
	case "String":
		_, ok = v.(string)
	case "Array":
		_, ok = v.([]any)
	case "Object":
		_, ok = v.(map[string]any)
	case "Boolean":
		_, ok = v.(bool)
	case "Integer":
		n, isNumber := v.(json.Number)
		_, err := n.Int64()
		ok = isNumber && err == nil
	case "Float":
		_, ok = v.(json.Number)
	case "DateTime":
		s, isString := v.(string)
		_, err := time.Parse(time.RFC3339, s)
		ok = isString && err == nil
	}
	if !ok {
		return fmt.Errorf("the parameter '%s' is of type %s, and the value is %s", p.name, p.typ, jsonKind(v))
	}
	return nil
}

// values returns the value of every parameter, by lower-case name: the assignment's, else
// the default. It refuses an assignment value of a parameter the definition does not have, of
// the wrong type or not among the allowed values, and a parameter without default that the
// assignment leaves out; defID names the definition in messages.
func (ps parameters) values(assigned map[string]*ParameterValue, defID string) (map[string]any, error) {
	out := make(map[string]any, len(ps))
	for _, name := range slices.Sorted(maps.Keys(assigned)) {
		field := "properties.parameters." + name
		p, ok := ps[strings.ToLower(name)]
		if !ok {
			return nil, nested.Invalid("The property '%s' is invalid: the policy definition '%s' has no parameter '%s'; its parameters are: %s.", field, defID, name, ps.names())
		}
		if assigned[name] == nil || !present(assigned[name].Value) {
			continue
		}
		v, err := decodeValue(assigned[name].Value)
		if err != nil {
			return nil, nested.Invalid("The property '%s.value' is not valid JSON: %v.", field, err)
		}
		if err := p.check(v); err != nil {
			return nil, nested.Invalid("The property '%s.value' is invalid: %v.", field, err)
		}
		out[strings.ToLower(name)] = v
	}
	for _, key := range slices.Sorted(maps.Keys(ps)) {
		p := ps[key]
		if _, ok := out[key]; ok {
			continue
		}
		if !p.hasDefault {
			return nil, nested.Missing("The property 'properties.parameters.%s' is required: the policy definition '%s' gives the parameter '%s' no default value.", p.name, defID, p.name)
		}
		out[key] = p.def
	}
	return out, nil
}

// names lists the parameters' names, sorted, for messages.
func (ps parameters) names() string {
	if len(ps) == 0 {
		return "(none)"
	}
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, p.name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
