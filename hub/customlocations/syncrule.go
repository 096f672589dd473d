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
	"fmt"
	"regexp"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/armid"
)

// ARM names of resource sync rules, a custom location's child resource.
const (
	SyncRuleType = ResourceType + "/resourceSyncRules"
	// SyncRuleAPIVersion is the api-version that introduced resource sync rules and
	// findTargetResourceGroup; the hub answers them at APIVersion too.
	SyncRuleAPIVersion = "2021-08-31-preview"
	// StateSucceeded is a rule's provisioningState: a rule is complete once stored.
	StateSucceeded = "Succeeded"
)

// SyncRuleAPIVersions are the api-versions of resource sync rules and findTargetResourceGroup.
var SyncRuleAPIVersions = []string{APIVersion, SyncRuleAPIVersion}

// SyncRule is a resource sync rule, as stored and answered: custom resources made in the
// location's namespace whose labels match Selector are shown in TargetResourceGroup, by the
// matching rule of lowest Priority.
type SyncRule struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Type       string             `json:"type"`
	Location   string             `json:"location"`
	Tags       map[string]string  `json:"tags,omitempty"`
	SystemData *nested.SystemData `json:"systemData,omitempty"`
	Properties SyncRuleProperties `json:"properties"`
}

// SyncRuleProperties are a rule's properties; the selector is a Kubernetes label selector,
// whose JSON is ARM's.
type SyncRuleProperties struct {
	Priority            int32                 `json:"priority"`
	Selector            *metav1.LabelSelector `json:"selector"`
	TargetResourceGroup string                `json:"targetResourceGroup"`
	ProvisioningState   string                `json:"provisioningState"`
}

// SyncRuleList is a location's rules.
type SyncRuleList struct {
	Value []*SyncRule `json:"value"`
}

// syncRuleInput is a PUT or PATCH body; nil is what it leaves out.
type syncRuleInput struct {
	Location   *string           `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties *struct {
		Priority            *int32                `json:"priority"`
		Selector            *metav1.LabelSelector `json:"selector"`
		TargetResourceGroup *string               `json:"targetResourceGroup"`
	} `json:"properties"`
}

// ruleNameRE is a rule's name, as the REST spec has it.
var ruleNameRE = regexp.MustCompile(`^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`)

// ValidateSyncRuleName checks a resource sync rule's name.
func ValidateSyncRuleName(name string) error {
	if !ruleNameRE.MatchString(name) {
		return nested.Invalid("The resource sync rule name '%s' must be 1-63 letters, digits, '-' or '_', starting and ending with a letter or digit.", name)
	}
	return nil
}

// apply sets what in says on rule; a PUT (put) replaces the rule, and needs its location,
// priority, selector and targetResourceGroup.
func (in *syncRuleInput) apply(rule *SyncRule, put bool) error {
	if put && (in.Location == nil || strings.TrimSpace(*in.Location) == "") {
		return nested.Missing("The property 'location' is required, for example \"westeurope\".")
	}
	if in.Location != nil {
		rule.Location = *in.Location
	}
	if in.Tags != nil || put {
		rule.Tags = in.Tags
	}
	if err := in.applyProperties(rule, put); err != nil {
		return err
	}
	return validateRule(rule)
}

// applyProperties sets the properties in names on rule.
func (in *syncRuleInput) applyProperties(rule *SyncRule, put bool) error {
	p := in.Properties
	if p == nil && put {
		return nested.Missing("The property 'properties' is required, with 'priority', 'selector' and 'targetResourceGroup'.")
	}
	if p == nil {
		return nil
	}
	if put && (p.Priority == nil || p.Selector == nil || p.TargetResourceGroup == nil) {
		return nested.Missing("The properties 'properties.priority', 'properties.selector' and 'properties.targetResourceGroup' are required.")
	}
	if p.Priority != nil {
		rule.Properties.Priority = *p.Priority
	}
	if p.Selector != nil {
		rule.Properties.Selector = p.Selector
	}
	if p.TargetResourceGroup != nil {
		rule.Properties.TargetResourceGroup = *p.TargetResourceGroup
	}
	return nil
}

// validateRule checks a rule's priority and selector, and that its targetResourceGroup is a
// resource group's ID.
func validateRule(rule *SyncRule) error {
	if rule.Properties.Priority < 0 {
		return nested.Invalid("The property 'properties.priority' must be 0 or more, not %d.", rule.Properties.Priority)
	}
	if _, err := metav1.LabelSelectorAsSelector(rule.Properties.Selector); err != nil {
		return nested.Invalid("The property 'properties.selector' is not a valid label selector: %s.", err)
	}
	if _, err := groupSubscription(rule.Properties.TargetResourceGroup); err != nil {
		return nested.Invalid("The property 'properties.targetResourceGroup' must be a resource group's ID, /subscriptions/{subscription}/resourceGroups/{group}: %s.", err)
	}
	return nil
}

// groupSubscription checks a resource group's ID and returns its subscription.
func groupSubscription(id string) (string, error) {
	parts := strings.Split(id, "/")
	if len(parts) != 5 || parts[0] != "" || !strings.EqualFold(parts[1], "subscriptions") || !strings.EqualFold(parts[3], "resourceGroups") {
		return "", fmt.Errorf("%q is not one", id)
	}
	if err := armid.ValidateSubscription(parts[2]); err != nil {
		return "", err
	}
	return parts[2], armid.ValidateResourceGroup(parts[4])
}
