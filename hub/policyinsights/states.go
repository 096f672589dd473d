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
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// recordFields are the properties of policy states that $filter and $orderby name.
var recordFields = []field[*record]{
	{name: "complianceState", get: func(r *record) string { return r.compliance }},
	{name: "resourceId", get: func(r *record) string { return r.cluster.id }},
	{name: "resourceType", get: func(*record) string { return clusterType }},
	{name: "resourceGroup", get: func(r *record) string { return r.cluster.resourceGroup }},
	{name: "resourceLocation", get: func(r *record) string { return r.cluster.location }},
	{name: "subscriptionId", get: func(r *record) string { return r.cluster.subscription }},
	{name: "policyAssignmentId", get: func(r *record) string { return r.spec.AssignmentID }},
	{name: "policyAssignmentName", get: func(r *record) string { return lastSegment(r.spec.AssignmentID) }},
	{name: "policyAssignmentScope", get: func(r *record) string { return assignmentScope(r.spec.AssignmentID) }},
	{name: "policyDefinitionId", get: func(r *record) string { return r.spec.DefinitionID }},
	{name: "policyDefinitionName", get: func(r *record) string { return lastSegment(r.spec.DefinitionID) }},
	{name: "policyDefinitionAction", get: func(r *record) string { return effect(r.spec.EnforcementAction) }},
}

// stateFields adds isCompliant, which component states do not have.
var stateFields = newFields(append(slices.Clone(recordFields),
	field[*record]{name: "isCompliant", boolean: true, get: func(r *record) string { return strconv.FormatBool(r.compliant()) }})...)

func recordTime(r *record) time.Time { return r.timestamp }

// PolicyStates answers a queryResults request: a page of the policy states in scope, by
// cluster ID and assignment ID unless $orderby says otherwise.
func (s *Service) PolicyStates(ctx context.Context, req *Request) (*PolicyStatesQueryResults, error) {
	recs, err := selectRows(ctx, s, req, stateFields, recordTime, asRows)
	if err != nil {
		return nil, err
	}
	recs, next := page(recs, &req.Query, s.pageSize())
	out := &PolicyStatesQueryResults{ODataCount: len(recs), Value: make([]PolicyState, 0, len(recs))}
	if next != "" {
		out.ODataNextLink = req.NextLink(next)
	}
	for _, r := range recs {
		out.Value = append(out.Value, PolicyState{CommonState: r.common(), IsCompliant: r.compliant(), ComplianceReason: r.reason()})
	}
	return out, nil
}

// asRows are records as the rows of policy states.
func asRows(recs []*record) []*record { return recs }

func (r *record) compliant() bool { return r.compliance == protocol.PolicyCompliant }

// reason is the agent's message when the state is Error.
func (r *record) reason() string {
	if r.compliance != protocol.PolicyError || r.status == nil {
		return ""
	}
	return r.status.ErrorMessage
}

// common renders the properties a record's policy and component states share.
func (r *record) common() CommonState {
	c := CommonState{
		Timestamp: r.timestamp, ResourceID: r.cluster.id, ResourceType: clusterType, ResourceLocation: r.cluster.location,
		ResourceGroup: r.cluster.resourceGroup, SubscriptionID: r.cluster.subscription,
		PolicyAssignmentID: r.spec.AssignmentID, PolicyAssignmentName: lastSegment(r.spec.AssignmentID),
		PolicyAssignmentScope: assignmentScope(r.spec.AssignmentID),
		PolicyDefinitionID:    r.spec.DefinitionID, PolicyDefinitionName: lastSegment(r.spec.DefinitionID),
		PolicyDefinitionAction: effect(r.spec.EnforcementAction), ComplianceState: r.compliance,
	}
	if r.clusterOwned {
		c.PolicyAssignmentOwner = "cluster"
	}
	return c
}

// effect is the policy effect behind a Gatekeeper enforcement action: deny denies, dryrun
// and warn only audit.
func effect(enforcementAction string) string {
	if enforcementAction == protocol.EnforcementDeny {
		return "deny"
	}
	return "audit"
}

func lastSegment(id string) string { return id[strings.LastIndex(id, "/")+1:] }

// assignmentScope is the scope an assignment ID is at: what comes before its
// /providers/Microsoft.Authorization/policyAssignments/{name}.
func assignmentScope(id string) string {
	const marker = "/providers/microsoft.authorization/policyassignments/"
	if i := strings.LastIndex(strings.ToLower(id), marker); i >= 0 {
		return id[:i]
	}
	return ""
}
