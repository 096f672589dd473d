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
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// record is one policy state: a policy assignment on a cluster and what the cluster's agent
// last reported of it.
type record struct {
	cluster *cluster
	spec    policyRef
	// status is the agent's last report; nil before the first one (or when unreadable).
	status *protocol.PolicySyncStatus
	// clusterOwned says the PolicySync was applied in the cluster, not by the hub.
	clusterOwned bool
	// compliance is one of the protocol.Policy* compliance states.
	compliance string
	timestamp  time.Time
}

// records returns the policy states the request covers, by cluster ID, then assignment ID.
func (s *Service) records(ctx context.Context, req *Request) ([]*record, error) {
	var out []*record
	now := s.now()
	err := s.eachCluster(ctx, req.Scope, req.readable, func(ps *policySyncs) error {
		recs, err := ps.records(now)
		for _, r := range recs {
			if req.covers(r.spec.AssignmentID) && req.inTime(r.timestamp) {
				out = append(out, r)
			}
		}
		return err
	})
	return out, err
}

// records returns a record for every desired PolicySync and every PolicySync the cluster
// reported as its own, by assignment ID.
func (ps *policySyncs) records(now time.Time) ([]*record, error) {
	c := clusterOf(ps.cluster)
	out := make([]*record, 0, len(ps.desired))
	desired := make(map[string]bool, len(ps.desired))
	for _, obj := range ps.desired {
		desired[obj.Name] = true
		ref, err := ps.ref(obj)
		if err != nil {
			return nil, err
		}
		r := &record{cluster: c, spec: ref}
		if st, ok := ps.statuses[obj.Name]; ok {
			r.status = decodeStatus(st.Status)
		}
		out = append(out, r.settle(now))
	}
	for _, st := range ps.statuses {
		if st.ObservedResourceVersion != "" || desired[st.Name] {
			continue
		}
		if status := decodeStatus(st.Status); status != nil && status.ClusterOwned != nil && status.ClusterOwned.AssignmentID != "" {
			own := status.ClusterOwned
			r := &record{cluster: c, status: status, clusterOwned: true,
				spec: policyRef{AssignmentID: own.AssignmentID, DefinitionID: own.DefinitionID, EnforcementAction: own.EnforcementAction}}
			out = append(out, r.settle(now))
		}
	}
	slices.SortStableFunc(out, func(a, b *record) int {
		return strings.Compare(strings.ToLower(a.spec.AssignmentID), strings.ToLower(b.spec.AssignmentID))
	})
	return out, nil
}

// decodeStatus decodes an agent's PolicySync status; nil when it cannot be read, since what
// an agent sends must not break the queries of others.
func decodeStatus(raw json.RawMessage) *protocol.PolicySyncStatus {
	var st protocol.PolicySyncStatus
	if json.Unmarshal(raw, &st) != nil {
		return nil
	}
	return &st
}

// settle sets the record's compliance state and timestamp from its status: Unknown until
// the agent reports; the audit's time, else the newest condition's, else now.
func (r *record) settle(now time.Time) *record {
	r.compliance, r.timestamp = protocol.PolicyUnknown, now
	if r.status == nil {
		return r
	}
	r.compliance = complianceState(r.status.ComplianceState)
	if t, ok := reportTime(r.status); ok {
		r.timestamp = t
	}
	return r
}

// complianceState returns the compliance state an agent reported in its canonical spelling;
// Unknown for anything else.
func complianceState(s string) string {
	for _, c := range ranking {
		if strings.EqualFold(s, c) {
			return c
		}
	}
	return protocol.PolicyUnknown
}

// reportTime is when the status was true: Gatekeeper's audit, else the newest condition.
func reportTime(st *protocol.PolicySyncStatus) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, st.AuditTimestamp); err == nil {
		return t.UTC(), true
	}
	var newest time.Time
	for _, c := range st.Conditions {
		if t, err := time.Parse(time.RFC3339, c.LastTransitionTime); err == nil && t.After(newest) {
			newest = t
		}
	}
	return newest.UTC(), !newest.IsZero()
}
