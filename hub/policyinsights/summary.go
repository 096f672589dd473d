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
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// ranking orders the compliance states as Azure Policy does when it rolls several up into
// one: the first that occurs wins.
var ranking = []string{protocol.PolicyNonCompliant, protocol.PolicyCompliant, protocol.PolicyError, protocol.PolicyUnknown}

// tally holds the rolled-up compliance state of each resource or policy, by case-folded ID.
type tally map[string]string

// add rolls state into key's state.
func (t tally) add(key, state string) {
	if old, ok := t[key]; !ok || slices.Index(ranking, state) < slices.Index(ranking, old) {
		t[key] = state
	}
}

// rolledUp is the state all of the tally's states roll up to.
func (t tally) rolledUp() string {
	best := len(ranking) - 1
	for _, s := range t {
		best = min(best, slices.Index(ranking, s))
	}
	return ranking[best]
}

func (t tally) count(state string) int {
	n := 0
	for _, s := range t {
		if s == state {
			n++
		}
	}
	return n
}

// details counts the tally's states, in the order of ranking, in lower case as ARM writes them.
func (t tally) details() []ComplianceDetail {
	out := []ComplianceDetail{}
	for _, state := range ranking {
		if n := t.count(state); n > 0 {
			out = append(out, ComplianceDetail{ComplianceState: strings.ToLower(state), Count: n})
		}
	}
	return out
}

// results are the summary results of resources and policies.
func results(resources, policies tally) SummaryResults {
	nonCompliant := policies.count(protocol.PolicyNonCompliant)
	return SummaryResults{NonCompliantResources: resources.count(protocol.PolicyNonCompliant), NonCompliantPolicies: &nonCompliant,
		ResourceDetails: resources.details(), PolicyDetails: policies.details()}
}

// assignmentTally gathers the states of one policy assignment.
type assignmentTally struct {
	first     *record
	resources tally
}

func (a *assignmentTally) summary() PolicyAssignmentSummary {
	policies := tally{strings.ToLower(a.first.spec.AssignmentID): a.resources.rolledUp()}
	res := results(a.resources, policies)
	def := res
	def.NonCompliantPolicies = nil
	return PolicyAssignmentSummary{PolicyAssignmentID: a.first.spec.AssignmentID, Results: res,
		PolicyDefinitions: []PolicyDefinitionSummary{{PolicyDefinitionID: a.first.spec.DefinitionID,
			Effect: effect(a.first.spec.EnforcementAction), Results: def}}}
}

// Summarize answers a summarize request: the states in scope that $filter keeps, counted
// overall and for each policy assignment; $top keeps the assignments with the most
// non-compliant resources.
func (s *Service) Summarize(ctx context.Context, req *Request) (*SummarizeResults, error) {
	recs, err := selectRows(ctx, s, req, stateFields, recordTime, asRows)
	if err != nil {
		return nil, err
	}
	summary := summarize(recs)
	summary.PolicyAssignments = summary.PolicyAssignments[:req.limit(len(summary.PolicyAssignments))]
	return &SummarizeResults{ODataCount: 1, Value: []Summary{summary}}, nil
}

// summarize rolls records up per resource, per policy and per assignment.
func summarize(recs []*record) Summary {
	resources, policies := tally{}, tally{}
	assignments := map[string]*assignmentTally{}
	for _, r := range recs {
		assignment := strings.ToLower(r.spec.AssignmentID)
		resources.add(strings.ToLower(r.cluster.id), r.compliance)
		policies.add(assignment+" "+strings.ToLower(r.spec.DefinitionID), r.compliance)
		a, ok := assignments[assignment]
		if !ok {
			a = &assignmentTally{first: r, resources: tally{}}
			assignments[assignment] = a
		}
		a.resources.add(strings.ToLower(r.cluster.id), r.compliance)
	}
	out := Summary{Results: results(resources, policies), PolicyAssignments: make([]PolicyAssignmentSummary, 0, len(assignments))}
	for _, a := range assignments {
		out.PolicyAssignments = append(out.PolicyAssignments, a.summary())
	}
	slices.SortFunc(out.PolicyAssignments, func(a, b PolicyAssignmentSummary) int {
		if c := cmp.Compare(b.Results.NonCompliantResources, a.Results.NonCompliantResources); c != 0 {
			return c
		}
		return strings.Compare(strings.ToLower(a.PolicyAssignmentID), strings.ToLower(b.PolicyAssignmentID))
	})
	return out
}
