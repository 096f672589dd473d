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

	"github.com/google/uuid"

	"github.com/kubearc/kubearc/hub/store"
)

// AssignmentInfo is what the PolicyInsights API needs of an assignment.
type AssignmentInfo struct {
	ID, Name, DefinitionID string
	// Scope and NotScopes say which clusters it applies to (Applies).
	Scope     string
	NotScopes []string
	// DisplayName is the assignment's displayName.
	DisplayName string
	// Pushed says a PolicySync of it reaches the clusters it applies to: its definition is of
	// mode Microsoft.Kubernetes.Data and its effect is not disabled.
	Pushed bool
}

// Assignments returns the assignments that may apply to clusters within scope (a
// subscription, resource group or cluster ID): those at the scope, above it or below it, as an
// unfiltered Azure listing at the scope, sorted by ID.
func (s *Service) Assignments(ctx context.Context, scope string) ([]AssignmentInfo, error) {
	sc, err := ParseScope(scope)
	if err != nil {
		return nil, err
	}
	st, err := s.loadState(ctx, sc.Subscription)
	if err != nil {
		return nil, err
	}
	var out []AssignmentInfo
	for _, a := range st.assignments {
		p := a.Properties
		if !(ListFilter{}).keeps(p.Scope, p.PolicyDefinitionID, scope) {
			continue
		}
		out = append(out, AssignmentInfo{ID: a.ID, Name: a.Name(), DefinitionID: p.PolicyDefinitionID, Scope: p.Scope,
			NotScopes: p.NotScopes, DisplayName: p.DisplayName, Pushed: st.entry(a).spec != nil})
	}
	return out, nil
}

// RequestEvaluation asks the agents of the clusters within scope (a subscription, resource
// group or cluster ID) to report the compliance of the assignments that apply to them again at
// once: every such assignment gets a new EvaluationRequest token, the same for all, in its
// PolicySync on every cluster it applies to (those outside scope report again too).
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
	for _, a := range st.assignments {
		if e := st.entry(a); e.spec == nil || !appliesToAny(e, clusters) {
			continue
		}
		if err := retry("policy assignment", a.Name(), func() error { return s.requestOnce(ctx, a.ID, token) }); err != nil {
			return err
		}
	}
	return nil
}

// requestOnce sets the evaluation token of the assignment id and pushes it.
func (s *Service) requestOnce(ctx context.Context, id, token string) error {
	a, err := s.loadAssignment(ctx, id)
	if err != nil || a == nil {
		return err
	}
	sc, err := ParseScope(a.Properties.Scope)
	if err != nil {
		return err
	}
	parent, err := s.parentCluster(ctx, sc)
	if err != nil {
		return err
	}
	a.EvaluationRequest = token
	return s.save(ctx, a, parent, store.IfVersion(a.Version), hubWriter)
}

// appliesToAny reports whether e applies to one of the clusters.
func appliesToAny(e *entry, clusters []*store.Resource) bool {
	for _, c := range clusters {
		if e.applies(c.ID) {
			return true
		}
	}
	return false
}
