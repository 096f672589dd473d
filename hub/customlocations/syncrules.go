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

package customlocations

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// SyncRules keeps the resource sync rules of custom locations, stored as children of their
// location, so that they go with it.
type SyncRules struct {
	store store.Store
	now   func() time.Time
	// mu serializes the writes of rules, so that two rules of a location never get one
	// priority.
	mu sync.Mutex
}

// NewSyncRules returns the rules kept in st, with the clock now.
func NewSyncRules(st store.Store, now func() time.Time) *SyncRules {
	return &SyncRules{store: st, now: now}
}

// RuleRequest names a custom location's rule and who asks.
type RuleRequest struct {
	// Location is the custom location's ID; Name is the rule's, "" for a listing.
	Location, Name string
	// By is the caller's name.
	By string
	// MayWrite returns why the caller may not write at an ARM scope (a rule's target
	// resource group); nil when it may.
	MayWrite func(scope string) error
}

// id is the requested rule's ID.
func (r RuleRequest) id() string { return r.Location + "/resourceSyncRules/" + r.Name }

// Get returns the requested rule.
func (s *SyncRules) Get(ctx context.Context, req RuleRequest) (*SyncRule, error) {
	_, rule, err := s.load(ctx, req.id())
	if err == nil && rule == nil {
		err = &nested.NotFoundError{ResourceType: SyncRuleType, ID: req.id()}
	}
	return rule, err
}

// List returns the rules of the requested location, by priority.
func (s *SyncRules) List(ctx context.Context, req RuleRequest) (*SyncRuleList, error) {
	if _, err := s.location(ctx, req.Location); err != nil {
		return nil, err
	}
	rules, err := s.rules(ctx, req.Location)
	return &SyncRuleList{Value: rules}, err
}

// Put creates or replaces the requested rule as the body that decode reads asks; created
// reports a new one. The rule is complete once stored (Succeeded).
func (s *SyncRules) Put(ctx context.Context, req RuleRequest, decode nested.Decoder) (created bool, rule *SyncRule, err error) {
	var in syncRuleInput
	if err := decode(&in); err != nil {
		return false, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res, old, err := s.load(ctx, req.id())
	if err != nil {
		return false, nil, err
	}
	rule = &SyncRule{ID: req.id(), Name: req.Name, Type: SyncRuleType}
	if old != nil {
		rule.ID, rule.SystemData = old.ID, old.SystemData
	}
	if err := in.apply(rule, true); err != nil {
		return false, nil, err
	}
	return old == nil, rule, s.write(ctx, req, res, rule)
}

// Patch changes the requested rule as the body that decode reads asks.
func (s *SyncRules) Patch(ctx context.Context, req RuleRequest, decode nested.Decoder) (*SyncRule, error) {
	var in syncRuleInput
	if err := decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res, rule, err := s.load(ctx, req.id())
	switch {
	case err != nil:
		return nil, err
	case rule == nil:
		return nil, &nested.NotFoundError{ResourceType: SyncRuleType, ID: req.id()}
	}
	if err := in.apply(rule, false); err != nil {
		return nil, err
	}
	return rule, s.write(ctx, req, res, rule)
}

// Delete deletes the requested rule; false when there was none.
func (s *SyncRules) Delete(ctx context.Context, req RuleRequest) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, rule, err := s.load(ctx, req.id())
	if err != nil || rule == nil {
		return false, err
	}
	err = s.store.DeleteResource(ctx, res.ID, store.IfVersion(res.Version))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// write stores rule over res (nil when new), once its target resource group is in the
// location's subscription and writable by the caller, and its priority is the location's
// only one.
func (s *SyncRules) write(ctx context.Context, req RuleRequest, res *store.Resource, rule *SyncRule) error {
	loc, err := s.location(ctx, req.Location)
	if err != nil {
		return err
	}
	if err := s.admit(ctx, req, loc, rule); err != nil {
		return err
	}
	s.touch(req, rule)
	rule.Properties.ProvisioningState = StateSucceeded
	body, err := json.Marshal(rule)
	if err != nil {
		return fmt.Errorf("encoding rule %s: %w", rule.ID, err)
	}
	version := ""
	if res != nil {
		version = res.Version
	}
	_, err = s.store.PutResource(ctx, &store.Resource{ID: rule.ID, Type: SyncRuleType, Subscription: loc.Subscription,
		ResourceGroup: loc.ResourceGroup, ParentID: loc.ID, Body: body}, store.AsRead(version))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &nested.NotFoundError{ResourceType: ResourceType, ID: req.Location}
	case store.LostRace(err):
		return nested.Conflict("The resource sync rule '%s' was changed by another request meanwhile; retry.", rule.ID)
	}
	return err
}

// admit checks the rule's target resource group and priority against its location loc.
func (s *SyncRules) admit(ctx context.Context, req RuleRequest, loc *store.Resource, rule *SyncRule) error {
	target := rule.Properties.TargetResourceGroup
	if sub, _ := groupSubscription(target); !strings.EqualFold(sub, loc.Subscription) {
		return nested.Invalid("The property 'properties.targetResourceGroup' names '%s' of subscription '%s'; it must be in the custom location's subscription '%s'.",
			target, sub, loc.Subscription)
	}
	if err := req.MayWrite(target); err != nil {
		return err
	}
	rules, err := s.rules(ctx, loc.ID)
	if err != nil {
		return err
	}
	for _, other := range rules {
		if other.Properties.Priority == rule.Properties.Priority && !strings.EqualFold(other.ID, rule.ID) {
			return nested.Invalid("The property 'properties.priority' is %d, which the resource sync rule '%s' of the custom location has; priorities must be unique.",
				rule.Properties.Priority, other.Name)
		}
	}
	return nil
}

// touch records who changed rule and when.
func (s *SyncRules) touch(req RuleRequest, rule *SyncRule) {
	now := s.now().UTC()
	if rule.SystemData == nil {
		rule.SystemData = &nested.SystemData{CreatedBy: req.By, CreatedByType: nested.CreatedByUser, CreatedAt: now}
	}
	rule.SystemData.LastModifiedBy, rule.SystemData.LastModifiedByType, rule.SystemData.LastModifiedAt = req.By, nested.CreatedByUser, now
}

// location returns the stored custom location id; a NotFoundError when there is none.
func (s *SyncRules) location(ctx context.Context, id string) (*store.Resource, error) {
	res, err := s.store.GetResource(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !strings.EqualFold(res.Type, ResourceType)):
		return nil, &nested.NotFoundError{ResourceType: ResourceType, ID: id}
	case err != nil:
		return nil, fmt.Errorf("reading custom location %s: %w", id, err)
	}
	return res, nil
}

// load returns the stored rule id; nil, nil, nil when there is none.
func (s *SyncRules) load(ctx context.Context, id string) (*store.Resource, *SyncRule, error) {
	res, err := s.store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading resource sync rule %s: %w", id, err)
	}
	rule, err := decodeRule(res)
	return res, rule, err
}

// rules returns the rules of the custom location id, by priority.
func (s *SyncRules) rules(ctx context.Context, id string) ([]*SyncRule, error) {
	list, err := s.store.ListResources(ctx, store.ListQuery{Type: SyncRuleType, ParentID: id})
	if err != nil {
		return nil, fmt.Errorf("listing the resource sync rules of %s: %w", id, err)
	}
	rules := make([]*SyncRule, 0, len(list))
	for _, res := range list {
		rule, err := decodeRule(res)
		if err != nil {
			return nil, err
		}
		rules = append(rules, rule)
	}
	slices.SortFunc(rules, func(a, b *SyncRule) int { return cmp.Compare(a.Properties.Priority, b.Properties.Priority) })
	return rules, nil
}

func decodeRule(res *store.Resource) (*SyncRule, error) {
	var rule SyncRule
	if err := json.Unmarshal(res.Body, &rule); err != nil {
		return nil, fmt.Errorf("decoding resource sync rule %s: %w", res.ID, err)
	}
	return &rule, nil
}
