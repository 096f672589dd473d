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
	"strings"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// state is what the store holds of policy in one subscription, read at one moment: its
// assignments and custom definitions, each resolved once, when first needed.
type state struct {
	s           *Service
	assignments []*Assignment
	// defRes are the custom definitions by lower-case ID; defs those parsed so far (nil for
	// one that cannot be used).
	defRes  map[string]*store.Resource
	defs    map[string]*Definition
	entries map[string]*entry
}

// entry is an assignment as the clusters it applies to get it.
type entry struct {
	a *Assignment
	// name is its PolicySync objects' name.
	name string
	// spec is their payload; nil when nothing of the assignment reaches a cluster.
	spec json.RawMessage
	// versions are what spec was computed from: the assignment's version and its custom
	// definition's, the precondition of a write of spec that the assignment does not make.
	versions map[string]string
	// broken says the assignment cannot be resolved any more (its definition is gone or its
	// parameters no longer fit): its clusters keep what they have.
	broken bool
}

// newEntry resolves assignment a of def; the errors are Resolve's.
func newEntry(a *Assignment, def *Definition) (*entry, error) {
	spec, err := Resolve(def, a)
	if err != nil {
		return nil, err
	}
	e := &entry{a: a, name: protocol.PolicySyncName(a.ID), versions: map[string]string{a.ID: a.Version}}
	if def.Version != "" {
		e.versions[def.ID] = def.Version
	}
	if spec != nil {
		e.spec = encodeSpec(spec)
	}
	return e, nil
}

// applies reports whether the assignment applies to the cluster.
func (e *entry) applies(clusterID string) bool {
	return Applies(e.a.Properties.Scope, e.a.Properties.NotScopes, clusterID)
}

// loadState reads the policy of a subscription.
func (s *Service) loadState(ctx context.Context, sub string) (*state, error) {
	defs, err := s.list(ctx, DefinitionType, sub)
	if err != nil {
		return nil, err
	}
	res, err := s.list(ctx, AssignmentType, sub)
	if err != nil {
		return nil, err
	}
	st := &state{s: s, defRes: make(map[string]*store.Resource, len(defs)), defs: map[string]*Definition{}, entries: map[string]*entry{}}
	for _, d := range defs {
		st.defRes[strings.ToLower(d.ID)] = d
	}
	for _, r := range res {
		a, err := decodeAssignment(r)
		if err != nil {
			return nil, err
		}
		st.assignments = append(st.assignments, a)
	}
	return st, nil
}

// definition returns the definition id, parsed; nil when it does not exist or cannot be used.
func (st *state) definition(id string) *Definition {
	if d := st.s.builtins.get(id); d != nil {
		return d
	}
	key := strings.ToLower(id)
	if d, done := st.defs[key]; done {
		return d
	}
	var d *Definition
	if res := st.defRes[key]; res != nil {
		var err error
		if d, err = parseStoredDefinition(res); err != nil {
			st.s.log.Error("A stored policy definition cannot be used", "definition", id, "error", err)
		}
	}
	st.defs[key] = d
	return d
}

// entry returns a stored assignment as clusters get it: nothing when its definition is gone
// or its parameters no longer fit (then it is logged).
func (st *state) entry(a *Assignment) *entry {
	key := strings.ToLower(a.ID)
	if e, ok := st.entries[key]; ok {
		return e
	}
	e := &entry{a: a, name: protocol.PolicySyncName(a.ID), versions: map[string]string{a.ID: a.Version}, broken: true}
	if def := st.definition(a.Properties.PolicyDefinitionID); def == nil {
		st.s.log.Warn("A policy assignment's definition is gone; its clusters keep what they have", "assignment", a.ID, "definition", a.Properties.PolicyDefinitionID)
	} else if resolved, err := newEntry(a, def); err != nil {
		st.s.log.Warn("A policy assignment no longer fits its definition; its clusters keep what they have", "assignment", a.ID, "error", err)
	} else {
		e = resolved
	}
	st.entries[key] = e
	return e
}

// applying returns the assignments that apply to the cluster.
func (st *state) applying(clusterID string) []*entry {
	var out []*entry
	for _, a := range st.assignments {
		if Applies(a.Properties.Scope, a.Properties.NotScopes, clusterID) {
			out = append(out, st.entry(a))
		}
	}
	return out
}

// reaches reports whether a PolicySync of some assignment reaches the cluster.
func (st *state) reaches(clusterID string) bool {
	for _, e := range st.applying(clusterID) {
		if e.spec != nil {
			return true
		}
	}
	return false
}

// referencing returns the assignments of the definition id.
func (st *state) referencing(id string) []*Assignment {
	var out []*Assignment
	for _, a := range st.assignments {
		if strings.EqualFold(a.Properties.PolicyDefinitionID, id) {
			out = append(out, a)
		}
	}
	return out
}

// assignment returns the assignment id, or nil.
func (st *state) assignment(id string) *Assignment {
	for _, a := range st.assignments {
		if strings.EqualFold(a.ID, id) {
			return a
		}
	}
	return nil
}

// clustersIn lists the clusters within scope (a subscription, resource group or cluster ID).
func (s *Service) clustersIn(ctx context.Context, scope string) ([]*store.Resource, error) {
	sc, err := ParseScope(scope)
	if err != nil {
		return nil, err
	}
	if sc.Cluster != "" {
		res, err := s.get(ctx, sc.ID())
		if err != nil || res == nil {
			return nil, err
		}
		return []*store.Resource{res}, nil
	}
	res, err := s.store.ListResources(ctx, store.ListQuery{Type: clusterType, Subscription: sc.Subscription, ResourceGroup: sc.ResourceGroup})
	if err != nil {
		return nil, fmt.Errorf("listing the clusters of %s: %w", scope, err)
	}
	return res, nil
}
