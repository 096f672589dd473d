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

func TestCheckProperties(t *testing.T) {
	const scope = "/subscriptions/s/resourceGroups/g"
	for _, tt := range []struct {
		name, props, wantErr string
	}{
		{"minimal", `{"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/x"}`, ""},
		{"everything", `{"policyDefinitionId": "d", "enforcementMode": "doNotEnforce", "notScopes": ["/subscriptions/S/resourceGroups/G/providers/Microsoft.Kubernetes/connectedClusters/c"],
			"nonComplianceMessages": [{"message": "no"}], "metadata": {"a": 1}, "displayName": "x"}`, ""},
		{"no definition", `{}`, "properties.policyDefinitionId"},
		{"enforcement mode", `{"policyDefinitionId": "d", "enforcementMode": "Enroll"}`, "properties.enforcementMode"},
		{"not scope outside", `{"policyDefinitionId": "d", "notScopes": ["/subscriptions/s/resourceGroups/other"]}`, "properties.notScopes[0]"},
		{"not scope not an ID", `{"policyDefinitionId": "d", "notScopes": ["/subscriptions/s/resourceGroups/g", "g2"]}`, "properties.notScopes[1]"},
		{"not scope with an empty segment", `{"policyDefinitionId": "d", "notScopes": ["/subscriptions/s/resourceGroups/g//x"]}`, "properties.notScopes[0]"},
		{"empty message", `{"policyDefinitionId": "d", "nonComplianceMessages": [{"message": " "}]}`, "properties.nonComplianceMessages[0].message"},
		{"message of a set", `{"policyDefinitionId": "d", "nonComplianceMessages": [{"message": "m", "policyDefinitionReferenceId": "r"}]}`, "policyDefinitionReferenceId"},
		{"long description", `{"policyDefinitionId": "d", "description": "` + strings.Repeat("x", 513) + `"}`, "properties.description"},
	} {
		var p AssignmentProperties
		if err := json.Unmarshal([]byte(tt.props), &p); err != nil {
			t.Fatal(err)
		}
		err := checkProperties(&p, scope)
		wantInvalid(t, tt.name, err, tt.wantErr)
		if err == nil && (p.Scope != scope || (p.EnforcementMode != EnforcementDefault && p.EnforcementMode != EnforcementDoNotEnforce)) {
			t.Errorf("%s: scope %q, enforcement mode %q", tt.name, p.Scope, p.EnforcementMode)
		}
	}
}

func TestValidateName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{{"labels", true}, {"a-b_c(1)", true}, {"", false}, {" x", false}, {"a.b", false}, {"a/b", false}, {"a?b", false}, {strings.Repeat("x", 65), false}} {
		if err := ValidateName("policy assignment", tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestParseFilter(t *testing.T) {
	const sub, rg = "/subscriptions/s", "/subscriptions/s/resourceGroups/g"
	for _, tt := range []struct {
		filter, scope, listing string
		keeps                  bool
	}{
		{"", sub, rg, true},
		{"", rg + "/providers/Microsoft.Kubernetes/connectedClusters/c", rg, true},
		{"", "/subscriptions/s/resourceGroups/g2", rg, false},
		{"atScope()", sub, rg, true},
		{"atScope()", rg + "/providers/Microsoft.Kubernetes/connectedClusters/c", rg, false},
		{"atExactScope()", sub, rg, false},
		{"AtExactScope()", rg, rg, true},
		{"policyDefinitionId eq '/providers/x/D'", rg, rg, true},
		{"atScope() and policyDefinitionId eq '/other'", rg, rg, false},
	} {
		f, err := ParseFilter(tt.filter)
		if err != nil {
			t.Fatalf("ParseFilter(%q) = %v", tt.filter, err)
		}
		if got := f.keeps(tt.scope, "/providers/x/d", tt.listing); got != tt.keeps {
			t.Errorf("filter %q keeps %s listed at %s = %v, want %v", tt.filter, tt.scope, tt.listing, got, tt.keeps)
		}
	}
	_, err := ParseFilter("category eq 'x'")
	wantInvalid(t, "unsupported filter", err, "not supported")
}
