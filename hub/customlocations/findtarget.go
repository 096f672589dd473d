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
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
)

// maxLabels bounds the labels of a findTargetResourceGroup request.
const maxLabels = 64

// FindTargetRequest is the body of findTargetResourceGroup: a custom resource's labels.
type FindTargetRequest struct {
	Labels map[string]string `json:"labels"`
}

// FindTargetResult names the rule that matched and its target resource group.
type FindTargetResult struct {
	MatchingResourceSyncRule string `json:"matchingResourceSyncRule"`
	TargetResourceGroup      string `json:"targetResourceGroup"`
}

// FindTarget returns the rule of the custom location id of lowest priority whose selector
// matches labels, and its target resource group; nil when none matches.
func (s *SyncRules) FindTarget(ctx context.Context, id string, in *FindTargetRequest) (*FindTargetResult, error) {
	if err := validateLabels(in.Labels); err != nil {
		return nil, err
	}
	if _, err := s.location(ctx, id); err != nil {
		return nil, err
	}
	rules, err := s.rules(ctx, id)
	if err != nil {
		return nil, err
	}
	rule := firstMatch(rules, in.Labels)
	if rule == nil {
		return nil, nil
	}
	return &FindTargetResult{MatchingResourceSyncRule: rule.ID, TargetResourceGroup: rule.Properties.TargetResourceGroup}, nil
}

// Targets returns the function that maps the labels of a custom resource made in the
// custom location id's namespace to the ID of the resource group that shows it, by the
// location's rules now: "" when none matches.
func (s *SyncRules) Targets(ctx context.Context, id string) (func(labels map[string]string) string, error) {
	rules, err := s.rules(ctx, id)
	if err != nil {
		return nil, err
	}
	return func(labels map[string]string) string {
		if rule := firstMatch(rules, labels); rule != nil {
			return rule.Properties.TargetResourceGroup
		}
		return ""
	}, nil
}

// LocationIDs returns the IDs of every custom location, whose namespaces the rules sync.
func (s *SyncRules) LocationIDs(ctx context.Context) ([]string, error) {
	list, err := s.store.ListResources(ctx, store.ListQuery{Type: ResourceType})
	if err != nil {
		return nil, fmt.Errorf("listing custom locations: %w", err)
	}
	ids := make([]string, 0, len(list))
	for _, res := range list {
		ids = append(ids, res.ID)
	}
	return ids, nil
}

// firstMatch returns the first of rules, sorted by priority, whose selector matches set.
func firstMatch(rules []*SyncRule, set map[string]string) *SyncRule {
	for _, rule := range rules {
		sel, err := metav1.LabelSelectorAsSelector(rule.Properties.Selector)
		if err == nil && sel.Matches(labels.Set(set)) {
			return rule
		}
	}
	return nil
}

// validateLabels checks that labels are Kubernetes labels.
func validateLabels(set map[string]string) error {
	if len(set) > maxLabels {
		return nested.Invalid("The property 'labels' may hold at most %d labels.", maxLabels)
	}
	for k, v := range set {
		errs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...)
		if len(errs) > 0 {
			return nested.Invalid("The label 'labels.%s' is not a Kubernetes label: %s.", k, strings.Join(errs, "; "))
		}
	}
	return nil
}
