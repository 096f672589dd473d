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
	"testing"
)

func TestSubstitute(t *testing.T) {
	values := map[string]any{
		"effect":           "Deny",
		"namespaces":       []any{"a", "b"},
		"allowedhostpaths": map[string]any{"paths": []any{map[string]any{"pathPrefix": "/var"}}, "Odd Name": "x"},
		"it's":             json.Number("3"),
	}
	for _, tt := range []struct {
		name, in, want, wantErr string
	}{
		{"literal", `"deny"`, `"deny"`, ""},
		{"whole parameter", `"[parameters('effect')]"`, `"Deny"`, ""},
		{"case-insensitive name", `"[PARAMETERS('Namespaces')]"`, `["a","b"]`, ""},
		{"spaces", `"[ parameters( 'effect' ) ]"`, `"Deny"`, ""},
		{"property", `"[parameters('allowedHostPaths').paths]"`, `[{"pathPrefix":"/var"}]`, ""},
		{"indexed property", `"[parameters('allowedHostPaths')['Odd Name']]"`, `"x"`, ""},
		{"quote in a name", `"[parameters('it''s')]"`, `3`, ""},
		{"nested values", `{"v": {"list": ["[parameters('effect')]", 1, true]}}`, `{"v":{"list":["Deny",1,true]}}`, ""},
		{"escaped bracket", `"[[parameters('effect')]"`, `"[parameters('effect')]"`, ""},
		{"bracket without end", `"[not an expression"`, `"[not an expression"`, ""},
		{"unknown parameter", `"[parameters('nope')]"`, "", "no parameter 'nope'"},
		{"missing property", `"[parameters('allowedHostPaths').other]"`, "", "no property 'other'"},
		{"property of a string", `"[parameters('effect').x]"`, "", "not an object"},
		{"another function", `"[concat('a', 'b')]"`, "", "only the parameters function"},
		{"unclosed quote", `"[parameters('effect)]"`, "", "not closed"},
		{"two arguments", `"[parameters('a', 'b')]"`, "", "one quoted name"},
		{"trailing text", `"[parameters('effect') x]"`, "", "unexpected"},
	} {
		in, err := decodeValue(json.RawMessage(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := substitute(in, "p", values)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: substitute(%s) = %v, want an error containing %q", tt.name, tt.in, err, tt.wantErr)
			}
			continue
		}
		raw, _ := json.Marshal(got)
		if err != nil || string(raw) != tt.want {
			t.Errorf("%s: substitute(%s) = %s, %v; want %s", tt.name, tt.in, raw, err, tt.want)
		}
	}
}
