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
	"errors"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/nested"
)

func TestParameterDefinitions(t *testing.T) {
	for _, tt := range []struct {
		name, defs, wantErr string
	}{
		{"every type", `{"s": {"type": "String"}, "a": {"type": "array"}, "o": {"type": "Object"}, "b": {"type": "Boolean"},
			"i": {"type": "Integer"}, "f": {"type": "Float"}, "d": {"type": "DateTime"}}`, ""},
		{"unknown type", `{"x": {"type": "Number"}}`, "properties.parameters.x.type"},
		{"default of the wrong type", `{"x": {"type": "Integer", "defaultValue": 1.5}}`, "properties.parameters.x.defaultValue"},
		{"default not allowed", `{"x": {"type": "String", "allowedValues": ["a"], "defaultValue": "b"}}`, "properties.parameters.x.defaultValue"},
		{"allowed value of the wrong type", `{"x": {"type": "String", "allowedValues": ["a", 1]}}`, "properties.parameters.x.allowedValues[1]"},
		{"allowed values not a list", `{"x": {"type": "String", "allowedValues": "a"}}`, "properties.parameters.x.allowedValues"},
		{"names differ in case only", `{"x": {"type": "String"}, "X": {"type": "String"}}`, "defined twice"},
	} {
		var defs map[string]*ParameterDefinition
		if err := json.Unmarshal([]byte(tt.defs), &defs); err != nil {
			t.Fatal(err)
		}
		_, err := parseParameters(defs)
		wantInvalid(t, tt.name, err, tt.wantErr)
	}
}

func TestParameterValues(t *testing.T) {
	var defs map[string]*ParameterDefinition
	_ = json.Unmarshal([]byte(`{
		"effect": {"type": "String", "allowedValues": ["audit", "deny"], "defaultValue": "deny"},
		"labels": {"type": "Array"},
		"replicas": {"type": "Integer", "defaultValue": 1},
		"ratio": {"type": "Float", "defaultValue": 0.5},
		"warn": {"type": "Boolean", "defaultValue": false},
		"selector": {"type": "Object", "defaultValue": {}},
		"after": {"type": "DateTime", "defaultValue": "2026-01-01T00:00:00Z"}
	}`), &defs)
	params, err := parseParameters(defs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, assigned, wantErr string
	}{
		{"required only", `{"labels": {"value": ["team"]}}`, ""},
		{"every value", `{"Effect": {"value": "audit"}, "labels": {"value": []}, "replicas": {"value": 3}, "ratio": {"value": 2},
			"warn": {"value": true}, "selector": {"value": {"matchLabels": {"a": "b"}}}, "after": {"value": "2027-05-01T10:00:00+02:00"}}`, ""},
		{"missing required", `{}`, "properties.parameters.labels"},
		{"null is missing", `{"labels": {"value": null}}`, "properties.parameters.labels"},
		{"unknown parameter", `{"labels": {"value": []}, "nope": {"value": 1}}`, "properties.parameters.nope"},
		{"outside allowed values", `{"labels": {"value": []}, "effect": {"value": "Deny"}}`, "properties.parameters.effect.value"},
		{"string for array", `{"labels": {"value": "team"}}`, "properties.parameters.labels.value"},
		{"float for integer", `{"labels": {"value": []}, "replicas": {"value": 1.5}}`, "properties.parameters.replicas.value"},
		{"string for boolean", `{"labels": {"value": []}, "warn": {"value": "true"}}`, "properties.parameters.warn.value"},
		{"array for object", `{"labels": {"value": []}, "selector": {"value": []}}`, "properties.parameters.selector.value"},
		{"bad date", `{"labels": {"value": []}, "after": {"value": "tomorrow"}}`, "properties.parameters.after.value"},
	} {
		var assigned map[string]*ParameterValue
		if err := json.Unmarshal([]byte(tt.assigned), &assigned); err != nil {
			t.Fatal(err)
		}
		values, err := params.values(assigned, "def")
		wantInvalid(t, tt.name, err, tt.wantErr)
		if err == nil && (values["effect"] == nil || values["labels"] == nil || len(values) != len(params)) {
			t.Errorf("%s: values = %v, want every parameter with a value or default", tt.name, values)
		}
	}
}

// wantInvalid fails the test unless err is an InvalidError containing want ("" wants none).
func wantInvalid(t *testing.T, name string, err error, want string) {
	t.Helper()
	var invalid *nested.InvalidError
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v, want no error", name, err)
	case want != "" && (!errors.As(err, &invalid) || !strings.Contains(err.Error(), want)):
		t.Errorf("%s: %v, want an InvalidError naming %q", name, err, want)
	}
}
