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

package policyinsights

import (
	"errors"
	"strings"
	"testing"
)

// row is a policy state as the filter tests see it.
type row map[string]string

var testFields = newFields(
	field[row]{name: "complianceState", get: func(r row) string { return r["complianceState"] }},
	field[row]{name: "policyAssignmentId", get: func(r row) string { return r["policyAssignmentId"] }},
	field[row]{name: "isCompliant", boolean: true, get: func(r row) string { return r["isCompliant"] }},
)

func TestParseFilter(t *testing.T) {
	const a1 = "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a1"
	nonCompliant := row{"complianceState": "NonCompliant", "policyAssignmentId": a1, "isCompliant": "false"}
	compliant := row{"complianceState": "Compliant", "policyAssignmentId": "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a2", "isCompliant": "true"}
	unknown := row{"complianceState": "Unknown", "policyAssignmentId": a1, "isCompliant": "false"}
	for _, tt := range []struct {
		filter string
		want   []row
	}{
		{"", []row{nonCompliant, compliant, unknown}},
		{"  ", []row{nonCompliant, compliant, unknown}},
		{"complianceState eq 'NonCompliant'", []row{nonCompliant}},
		{"ComplianceState EQ 'noncompliant'", []row{nonCompliant}},
		{"complianceState ne 'NonCompliant'", []row{compliant, unknown}},
		{"IsCompliant eq false", []row{nonCompliant, unknown}},
		{"isCompliant eq TRUE", []row{compliant}},
		{"policyAssignmentId eq '" + strings.ToUpper(a1) + "'", []row{nonCompliant, unknown}},
		{"IsCompliant eq false and PolicyAssignmentId eq '" + a1 + "' and complianceState eq 'Unknown'", []row{unknown}},
		{"complianceState eq 'Compliant' or complianceState eq 'Unknown'", []row{compliant, unknown}},
		{"complianceState eq 'Compliant' or complianceState eq 'Unknown' and isCompliant eq true", []row{compliant}},
		{"(complianceState eq 'Compliant' or complianceState eq 'Unknown') and isCompliant eq false", []row{unknown}},
		{"not (isCompliant eq true) and not complianceState eq 'Unknown'", []row{nonCompliant}},
		{"complianceState eq 'it''s'", nil},
	} {
		pred, err := parseFilter(tt.filter, testFields)
		if err != nil {
			t.Errorf("%q: %v", tt.filter, err)
			continue
		}
		var got []row
		for _, r := range []row{nonCompliant, compliant, unknown} {
			if pred(r) {
				got = append(got, r)
			}
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q kept %v, want %v", tt.filter, got, tt.want)
			continue
		}
		for i := range got {
			if got[i]["complianceState"] != tt.want[i]["complianceState"] {
				t.Errorf("%q kept %v, want %v", tt.filter, got, tt.want)
			}
		}
	}
}

func TestParseFilterQuotes(t *testing.T) {
	pred, err := parseFilter("complianceState eq 'it''s'", testFields)
	if err != nil || !pred(row{"complianceState": "it's"}) || pred(row{"complianceState": "it"}) {
		t.Errorf("a doubled quote is one quote: %v", err)
	}
}

func TestParseFilterRefuses(t *testing.T) {
	for _, tt := range []struct{ filter, why string }{
		{"owner eq 'me'", "unknown field 'owner'"},
		{"complianceState gt 'A'", "expected 'eq' or 'ne' after complianceState at 'gt'"},
		{"complianceState eq NonCompliant", "to be compared with a quoted string"},
		{"isCompliant eq 'false'", "isCompliant to be compared with true or false"},
		{"complianceState eq 'NonCompliant", "a quoted string is not closed"},
		{"complianceState eq 'A' and", "expected a field name at the end"},
		{"(complianceState eq 'A'", "expected ')' at the end"},
		{"complianceState eq 'A')", "expected 'and', 'or' or the end at ')'"},
		{"complianceState eq 'A' complianceState eq 'B'", "expected 'and', 'or' or the end at 'complianceState' (character 24)"},
		{"contains(complianceState, 'A')", "unexpected ',' (character 25)"},
		{"complianceState eq 'A' & isCompliant eq true", "unexpected '&'"},
		{"startswith eq 'x'", "unknown field 'startswith'"},
	} {
		_, err := parseFilter(tt.filter, testFields)
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.why) ||
			!strings.Contains(err.Error(), "on the fields complianceState, isCompliant, policyAssignmentId") {
			t.Errorf("%q: %v, want a QueryError saying %q and the fields", tt.filter, err, tt.why)
		}
	}
}

// TestParseFilterBounds: a $filter longer than 4 KiB, or nested deeper than 32, is refused
// before it costs the hub memory or stack, and an error quotes only the start of the input.
func TestParseFilterBounds(t *testing.T) {
	const cmp = "isCompliant eq true"
	for _, tt := range []struct {
		filter string
		why    string // "" when the filter is taken
	}{
		{strings.Repeat("(", 32) + cmp + strings.Repeat(")", 32), ""},
		{strings.Repeat("not ", 32) + cmp, ""},
		{strings.Repeat("(", 33) + cmp + strings.Repeat(")", 33), "nest deeper than 32"},
		{strings.Repeat("not (", 17) + cmp + strings.Repeat(")", 17), "nest deeper than 32"},
		{strings.Repeat("(", 1<<20), "is 1048576 bytes long; the hub takes at most 4096 (4 KiB)"},
		{cmp + strings.Repeat(" or "+cmp, 300), "the hub takes at most 4096"},
		{"complianceState eq 'A' " + strings.Repeat("x", 3000), "expected 'and', 'or' or the end at 'xxx"},
		{strings.Repeat("y", 3000) + " eq 'A'", "unknown field 'yyy"},
	} {
		_, err := parseFilter(tt.filter, testFields)
		if tt.why == "" {
			if err != nil {
				t.Errorf("%.40q…: %v", tt.filter, err)
			}
			continue
		}
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("%.40q…: %v, want a QueryError saying %q", tt.filter, err, tt.why)
			continue
		}
		if len(err.Error()) > 1000 {
			t.Errorf("%.40q…: the error is %d bytes long, want the filter quoted in part", tt.filter, len(err.Error()))
		}
	}
}
