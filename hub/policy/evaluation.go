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
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// RequestEvaluation asks the agents of the clusters within scope (a subscription, resource
// group or cluster ID) to report the compliance of the assignments that apply to them again at
// once: each of those clusters' PolicySyncs gets a new EvaluationRequest token, the same for
// all. The token is written as desired changes of those clusters only, computed from the
// assignments as read and on the condition that they are unchanged (as the resync writes);
// the assignments themselves are never written, so a caller that may trigger an evaluation in
// one resource group changes nothing of a subscription's assignment or its other clusters.
func (s *Service) RequestEvaluation(ctx context.Context, scope string) error {
	sc, err := ParseScope(scope)
	if err != nil {
		return err
	}
	clusters, err := s.clustersIn(ctx, scope)
	if err != nil {
		return err
	}
	st, err := s.loadState(ctx, sc.Subscription)
	if err != nil {
		return err
	}
	token := uuid.NewString()
	for _, c := range clusters {
		err := retry("connected cluster", c.ID, func() error {
			err := s.requestOnce(ctx, st, c.ID, token)
			if store.LostRace(err) {
				// An assignment changed meanwhile: read the policy again for the next try.
				if fresh, loadErr := s.loadState(ctx, sc.Subscription); loadErr == nil {
					st = fresh
				}
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// requestOnce writes the PolicySyncs of the assignments that apply to the cluster, with the
// evaluation token, if those assignments are unchanged since st was read.
func (s *Service) requestOnce(ctx context.Context, st *state, clusterID, token string) error {
	p := &plan{related: map[string]string{}}
	for _, e := range st.applying(clusterID) {
		if e.spec == nil {
			continue
		}
		p.relate(e.versions)
		p.changes = append(p.changes, store.DesiredChange{ClusterID: clusterID, Kind: protocol.KindPolicySync, Name: e.name,
			Spec: withEvaluationRequest(e.spec, token)})
	}
	if len(p.changes) == 0 {
		return nil
	}
	if err := s.store.PutDesired(ctx, p.related, p.changes...); err != nil {
		return fmt.Errorf("requesting an evaluation of %s: %w", clusterID, err)
	}
	return nil
}

// evaluationRequestOf returns the evaluation token of a PolicySync spec, "" for none.
func evaluationRequestOf(spec json.RawMessage) string {
	var ps protocol.PolicySyncSpec
	if len(spec) == 0 || json.Unmarshal(spec, &ps) != nil {
		return ""
	}
	return ps.EvaluationRequest
}

// withEvaluationRequest returns spec with the evaluation token set.
func withEvaluationRequest(spec json.RawMessage, token string) json.RawMessage {
	var ps protocol.PolicySyncSpec
	if err := json.Unmarshal(spec, &ps); err != nil {
		return spec
	}
	ps.EvaluationRequest = token
	return encodeSpec(&ps)
}
