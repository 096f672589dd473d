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

// writeAssignmentTable writes one row per policy assignment.
func writeAssignmentTable(w io.Writer, all []*armpolicy.Assignment) error {
	tw := newTable(w, "NAME\tSCOPE\tPOLICY\tENFORCEMENT MODE")
	for _, a := range all {
		p := assignmentProps(a)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", orDash(val(a.Name)), orDash(assignmentScope(a)),
			orDash(lastSegment(val(p.PolicyDefinitionID))), orDash(string(val(p.EnforcementMode))))
	}
	return tw.Flush()
}

// writeAssignmentDetails writes a policy assignment as "Key: value" lines, a line per
// parameter and non-compliance message.
func writeAssignmentDetails(w io.Writer, a *armpolicy.Assignment) error {
	p := assignmentProps(a)
	notScopes := make([]string, 0, len(p.NotScopes))
	for _, s := range p.NotScopes {
		notScopes = append(notScopes, val(s))
	}
	rows := []detailRow{
		{"Name", val(a.Name)},
		{"Scope", assignmentScope(a)},
		{"ID", val(a.ID)},
		{"Policy", val(p.PolicyDefinitionID)},
		{"Display name", val(p.DisplayName)},
		{"Description", val(p.Description)},
		{"Enforcement mode", string(val(p.EnforcementMode))},
		{"Not scopes", strings.Join(notScopes, ", ")},
	}
	for _, name := range sortedKeys(p.Parameters) {
		rows = append(rows, detailRow{"Parameter", name + " = " + jsonText(parameterValue(p.Parameters[name]))})
	}
	for _, m := range p.NonComplianceMessages {
		if m != nil {
			rows = append(rows, detailRow{"Non-compliance message", val(m.Message)})
		}
	}
	return writeDetails(w, rows)
}

// assignmentProps never returns nil, so views need no checks.
func assignmentProps(a *armpolicy.Assignment) *armpolicy.AssignmentProperties {
	if a == nil || a.Properties == nil {
		return &armpolicy.AssignmentProperties{}
	}
	return a.Properties
}

func parameterValue(v *armpolicy.ParameterValuesValue) any {
	if v == nil {
		return nil
	}
	return v.Value
}
