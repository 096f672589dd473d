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

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// PutAssignment creates or replaces the assignment req.Name at req.Scope as a PUT body, read
// with decode, asks, and pushes it in the same write: its PolicySync to every cluster it
// applies to, its removal from those it no longer applies to. A connectedCluster scope must
// exist (404). The Gatekeeper extension is added first to clusters it is the first to reach.
func (s *Service) PutAssignment(ctx context.Context, req Request, decode nested.Decoder) (*AssignmentDoc, error) {
	in, err := decodePut[AssignmentProperties]("policy assignment", req.Name, decode)
	if err != nil {
		return nil, err
	}
	if err := checkProperties(in.Properties, req.Scope.ID()); err != nil {
		return nil, err
	}
	var doc *AssignmentDoc
	err = retry("policy assignment", req.Name, func() (err error) {
		doc, err = s.putAssignmentOnce(ctx, req, in)
		return err
	})
	return doc, err
}

// putAssignmentOnce is one attempt of PutAssignment.
func (s *Service) putAssignmentOnce(ctx context.Context, req Request, in *putInput[AssignmentProperties]) (*AssignmentDoc, error) {
	parent, err := s.parentCluster(ctx, req.Scope)
	if err != nil {
		return nil, err
	}
	id := req.Scope.assignmentID(req.Name)
	old, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := req.Match.Check(old != nil, versionOf(old)); err != nil {
		return nil, err
	}
	a := &Assignment{ID: id, Location: in.Location, Properties: *in.Properties, Audit: s.touch(req.By, nil)}
	if old != nil {
		prev, err := decodeAssignment(old)
		if err != nil {
			return nil, err
		}
		a.Version, a.Audit = prev.Version, s.touch(req.By, &prev.Audit)
	}
	if err := s.save(ctx, a, parent, store.AsRead(versionOf(old)), req.By); err != nil {
		return nil, err
	}
	return a.Doc(), nil
}

// parentCluster returns the cluster of a connectedCluster scope, nil for another scope; a
// NotFoundError when the cluster does not exist.
func (s *Service) parentCluster(ctx context.Context, sc Scope) (*store.Resource, error) {
	if sc.Cluster == "" {
		return nil, nil
	}
	res, err := s.get(ctx, sc.ID())
	if err == nil && res == nil {
		return nil, &nested.NotFoundError{ResourceType: clusterType, ID: sc.ID()}
	}
	return res, err
}

// save resolves a, adds Gatekeeper where it is first, and stores a with its push, if pre holds
// (and its definition is unchanged since read); by is who writes. On success a.Version is the
// new version.
func (s *Service) save(ctx context.Context, a *Assignment, parent *store.Resource, pre store.Precondition, by string) error {
	sc, err := ParseScope(a.Properties.Scope)
	if err != nil {
		return err
	}
	before, err := s.loadState(ctx, sc.Subscription)
	if err != nil {
		return err
	}
	def, err := definition(before, a.Properties.PolicyDefinitionID, sc)
	if err != nil {
		return err
	}
	next, err := newEntry(a, def)
	if err != nil {
		return err
	}
	clusters, err := s.clustersIn(ctx, a.Properties.Scope)
	if err != nil {
		return err
	}
	p := &plan{}
	var prev *entry
	if stored := before.assignment(a.ID); stored != nil {
		prev = before.entry(stored)
	}
	p.push(before, clusters, prev, next)
	if def.Version != "" {
		p.relate(map[string]string{def.ID: def.Version})
	}
	if err := s.addGatekeeper(ctx, p.first, by); err != nil {
		return err
	}
	res := a.resource(sc, parent)
	if _, err := s.store.PutResource(ctx, res, p.precondition(pre), p.changes...); err != nil {
		return fmt.Errorf("storing policy assignment %s: %w", a.ID, err)
	}
	a.Version = res.Version
	return nil
}

// resource is a as stored at scope sc, under its cluster when parent is not nil.
func (a *Assignment) resource(sc Scope, parent *store.Resource) *store.Resource {
	body, _ := json.Marshal(a)
	res := &store.Resource{ID: a.ID, Type: AssignmentType, Subscription: sc.Subscription, ResourceGroup: sc.ResourceGroup, Body: body}
	if parent != nil {
		res.ParentID = parent.ID
	}
	return res
}

// definition returns the definition id for an assignment at sc: a built-in or a custom
// definition of sc's subscription; an InvalidError naming policyDefinitionId otherwise.
func definition(st *state, id string, sc Scope) (*Definition, error) {
	const field = "properties.policyDefinitionId"
	if strings.Contains(strings.ToLower(id), "/policysetdefinitions/") {
		return nil, nested.Invalid("The property '%s' names the policy set definition '%s'; kubearc assigns policy definitions only.", field, id)
	}
	if d := st.definition(id); d != nil {
		return d, nil
	}
	return nil, nested.Invalid("The property '%s' is '%s', which is not a built-in policy definition (/providers/Microsoft.Authorization/policyDefinitions/{name}) or a policy definition of the subscription %s.", field, id, sc.Subscription)
}

// GetAssignment returns the assignment req.Name at req.Scope.
func (s *Service) GetAssignment(ctx context.Context, req Request) (*AssignmentDoc, error) {
	a, err := s.loadAssignment(ctx, req.Scope.assignmentID(req.Name))
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, &nested.NotFoundError{ResourceType: AssignmentType, ID: req.Scope.assignmentID(req.Name)}
	}
	return a.Doc(), nil
}

// loadAssignment returns the stored assignment id, nil when there is none.
func (s *Service) loadAssignment(ctx context.Context, id string) (*Assignment, error) {
	res, err := s.get(ctx, id)
	if err != nil || res == nil || !strings.EqualFold(res.Type, AssignmentType) {
		return nil, err
	}
	return decodeAssignment(res)
}

// DeleteAssignment deletes the assignment req.Name at req.Scope and its PolicySyncs from
// every cluster, in one write, and returns what it was; nil when there was none.
func (s *Service) DeleteAssignment(ctx context.Context, req Request) (*AssignmentDoc, error) {
	var doc *AssignmentDoc
	err := retry("policy assignment", req.Name, func() (err error) {
		doc, err = s.deleteAssignmentOnce(ctx, req)
		return err
	})
	return doc, err
}

// deleteAssignmentOnce is one attempt of DeleteAssignment.
func (s *Service) deleteAssignmentOnce(ctx context.Context, req Request) (*AssignmentDoc, error) {
	a, err := s.loadAssignment(ctx, req.Scope.assignmentID(req.Name))
	if err != nil || a == nil {
		return nil, err
	}
	if err := req.Match.Check(true, a.Version); err != nil {
		return nil, err
	}
	clusters, err := s.clustersIn(ctx, a.Properties.Scope)
	if err != nil {
		return nil, err
	}
	p := &plan{}
	p.push(nil, clusters, &entry{a: a, name: protocol.PolicySyncName(a.ID)}, nil)
	if err := s.store.DeleteResource(ctx, a.ID, store.IfVersion(a.Version), p.changes...); err != nil {
		return nil, fmt.Errorf("deleting policy assignment %s: %w", a.ID, err)
	}
	return a.Doc(), nil
}
