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
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Resolve checks an assignment's parameter values against its definition and returns the
// PolicySync spec every cluster it applies to gets; nil when nothing of it reaches a cluster (a
// definition of another mode, or the effect disabled). Errors are an InvalidError naming the
// property.
func Resolve(def *Definition, a *Assignment) (*protocol.PolicySyncSpec, error) {
	values, err := def.params.values(a.Properties.Parameters, def.ID)
	if err != nil || def.rule == nil {
		return nil, err
	}
	r, err := def.rule.resolve(values)
	if err != nil {
		return nil, nested.Invalid("The property 'properties.parameters' does not fit the policy definition '%s': %v.", def.ID, err)
	}
	if r.effect == effectDisabled {
		return nil, nil
	}
	spec := &protocol.PolicySyncSpec{
		AssignmentID: a.ID, DefinitionID: def.ID, DisplayName: a.Properties.DisplayName,
		EnforcementAction: enforcementAction(r, a.Properties.EnforcementMode), Template: def.rule.template,
		Match:   match(&r.details),
		Message: a.message(),
	}
	if present(r.details.Values) && string(r.details.Values) != "{}" {
		spec.Parameters = r.details.Values
	}
	return spec, nil
}

// enforcementAction is the constraint's action: deny for a deny effect, warn for an audit
// that asks for warnings, dryrun otherwise; an assignment that does not enforce never denies.
func enforcementAction(r *resolvedRule, mode string) string {
	switch {
	case r.effect == effectDeny && mode != EnforcementDoNotEnforce:
		return protocol.EnforcementDeny
	case r.effect == effectAudit && r.details.Warn:
		return protocol.EnforcementWarn
	}
	return protocol.EnforcementDryRun
}

// match is the constraint's match from the resolved details.
func match(d *resolvedDetails) protocol.PolicyMatch {
	m := protocol.PolicyMatch{Namespaces: d.Namespaces, ExcludedNamespaces: d.ExcludedNamespaces}
	if len(d.Kinds) > 0 || len(d.APIGroups) > 0 {
		m.Kinds = []protocol.PolicyKinds{{APIGroups: nonNil(d.APIGroups), Kinds: nonNil(d.Kinds)}}
	}
	if present(d.LabelSelector) && string(d.LabelSelector) != "{}" {
		m.LabelSelector = d.LabelSelector
	}
	return m
}

// nonNil returns list, or an empty list for nil (Gatekeeper matches any group or kind).
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// encodeSpec is spec as a desired object's payload.
func encodeSpec(spec *protocol.PolicySyncSpec) json.RawMessage {
	raw, _ := json.Marshal(spec)
	return raw
}

// resolvedRule is a Kubernetes rule with an assignment's parameter values substituted.
type resolvedRule struct {
	// effect is audit, deny or disabled.
	effect  string
	details resolvedDetails
}

// resolvedDetails are the fields of then.details kubearc uses.
type resolvedDetails struct {
	APIGroups          []string        `json:"apiGroups"`
	Kinds              []string        `json:"kinds"`
	Namespaces         []string        `json:"namespaces"`
	ExcludedNamespaces []string        `json:"excludedNamespaces"`
	LabelSelector      json.RawMessage `json:"labelSelector"`
	Values             json.RawMessage `json:"values"`
	Warn               bool            `json:"warn"`
}

// resolve substitutes the parameter values (by lower-case name) and checks what results.
func (kr *kubernetesRule) resolve(values map[string]any) (*resolvedRule, error) {
	v, err := substitute(kr.effect, ruleField+".then.effect", values)
	if err != nil {
		return nil, err
	}
	effect, _ := v.(string)
	if !slices.Contains(kubernetesEffects, strings.ToLower(effect)) {
		return nil, fmt.Errorf("%s.then.effect is %s; it must be audit, deny or disabled", ruleField, describe(v))
	}
	d, err := substitute(kr.details, ruleField+".then.details", values)
	if err != nil {
		return nil, err
	}
	details := d.(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(details)) {
		if sh, used := detailShapes[name]; used && !sh.fits(details[name]) {
			return nil, fmt.Errorf("%s.then.details.%s must be %s, not %s", ruleField, name, sh.noun, describe(details[name]))
		}
	}
	if err := checkLabelSelector(details["labelSelector"]); err != nil {
		return nil, fmt.Errorf("%s.then.details.labelSelector: %w", ruleField, err)
	}
	raw, _ := json.Marshal(details)
	r := &resolvedRule{effect: strings.ToLower(effect)}
	if err := json.Unmarshal(raw, &r.details); err != nil {
		return nil, fmt.Errorf("%s.then.details: %w", ruleField, err)
	}
	return r, nil
}

// describe shows a resolved value in a message: its type and, for a short one, itself.
func describe(v any) string {
	raw, _ := json.Marshal(v)
	if len(raw) > 60 {
		return jsonKind(v)
	}
	return fmt.Sprintf("%s %s", jsonKind(v), raw)
}
