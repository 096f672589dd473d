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

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/policyinsights/armpolicyinsights"
)

// writeStateTable writes one row per policy state.
func writeStateTable(w io.Writer, states []*armpolicyinsights.PolicyState) error {
	tw := newTable(w, "RESOURCE\tRESOURCE GROUP\tASSIGNMENT\tEFFECT\tCOMPLIANCE\tTIMESTAMP")
	for _, s := range states {
		if s == nil {
			continue
		}
		assignment := firstNonEmpty(val(s.PolicyAssignmentName), lastSegment(val(s.PolicyAssignmentID)))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", orDash(lastSegment(val(s.ResourceID))), orDash(val(s.ResourceGroup)),
			orDash(assignment), orDash(val(s.PolicyDefinitionAction)), orDash(complianceOf(s)), orDash(timestamp(s.Timestamp)))
	}
	return tw.Flush()
}

// complianceOf is a state's compliance, from the deprecated isCompliant when it has none.
func complianceOf(s *armpolicyinsights.PolicyState) string {
	switch {
	case val(s.ComplianceState) != "":
		return val(s.ComplianceState)
	case s.IsCompliant == nil:
		return ""
	case *s.IsCompliant:
		return "Compliant"
	}
	return "NonCompliant"
}

// writeSummary writes the totals of a summary, then a row per assignment.
func writeSummary(w io.Writer, s *armpolicyinsights.Summary) error {
	total := summaryResults(s.Results)
	if err := writeDetails(w, []detailRow{
		{"Non-compliant resources", count(total.NonCompliantResources)},
		{"Non-compliant policies", count(total.NonCompliantPolicies)},
		{"Resources", complianceCounts(total.ResourceDetails)},
	}); err != nil || len(s.PolicyAssignments) == 0 {
		return err
	}
	fmt.Fprintln(w)
	tw := newTable(w, "ASSIGNMENT\tSCOPE\tNON-COMPLIANT RESOURCES\tNON-COMPLIANT POLICIES\tRESOURCES")
	for _, a := range s.PolicyAssignments {
		if a == nil {
			continue
		}
		id, r := val(a.PolicyAssignmentID), summaryResults(a.Results)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", orDash(lastSegment(id)), orDash(scopeOfAssignmentID(id)), count(r.NonCompliantResources),
			count(r.NonCompliantPolicies), orDash(complianceCounts(r.ResourceDetails)))
	}
	return tw.Flush()
}

// summaryResults never returns nil, so views need no checks.
func summaryResults(r *armpolicyinsights.SummaryResults) *armpolicyinsights.SummaryResults {
	if r == nil {
		return &armpolicyinsights.SummaryResults{}
	}
	return r
}

// complianceCounts shows counts per compliance state: "Compliant 2, NonCompliant 1".
func complianceCounts(details []*armpolicyinsights.ComplianceDetail) string {
	parts := make([]string, 0, len(details))
	for _, d := range details {
		if d != nil {
			parts = append(parts, val(d.ComplianceState)+" "+count(d.Count))
		}
	}
	return strings.Join(parts, ", ")
}
