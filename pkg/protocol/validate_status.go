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

package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Limits of one item of a status report.
const (
	// MaxStatusBytes bounds one item's status payload.
	MaxStatusBytes = 256 << 10
	// MaxStatusDepth bounds how deeply a status payload nests.
	MaxStatusDepth = 16
	// MaxStatusString bounds every string in a status payload: a Kubernetes condition
	// message's own limit.
	MaxStatusString = 32 << 10
	// maxStatusKey bounds the keys of a status payload's objects.
	maxStatusKey = 256
	// MaxReportItems is how many statuses a hub accepts in one report by default; the agent
	// sends no more in one.
	MaxReportItems = 1000
)

var (
	// kindRE is a kind: CamelCase, as the protocol's Kind* constants.
	kindRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{0,62}$`)
	// objectNameRE is a status's name: the hub's name of the object (an ARM resource name,
	// case preserved) or, for an object created in the cluster, its Kubernetes name.
	objectNameRE = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9._]{0,251}[A-Za-z0-9])?$`)
	// resourceVersionRE is an observedResourceVersion: a decimal resourceVersion, or empty.
	resourceVersionRE = regexp.MustCompile(`^[0-9]{0,20}$`)
)

// Values the known kinds' status payloads may hold; empty is always allowed.
var (
	provisioningStates = []string{"", ProvisioningSucceeded, ProvisioningFailed, ProvisioningInProgress, ProvisioningDeleted}
	complianceStates   = []string{"", ComplianceCompliant, ComplianceNonCompliant, CompliancePending, ComplianceSuspended, ComplianceUnknown}
	scopes             = []string{"", ScopeCluster, ScopeNamespace}
	conditionStatuses  = []string{"True", "False", "Unknown"}
)

// Validate checks a status report of at most maxItems items, each with Validate; the error
// names the item.
func (r *StatusReport) Validate(maxItems int) error {
	if len(r.Items) > maxItems {
		return invalid("items", "at most %d statuses per report; send them in several reports", maxItems)
	}
	for i := range r.Items {
		if err := r.Items[i].Validate(); err != nil {
			return prefixed(fmt.Sprintf("items[%d].", i), err)
		}
	}
	return nil
}

// Validate checks one status: its kind and name (an ARM or Kubernetes object name), its
// observedResourceVersion, and its payload: a JSON object of bounded size and depth whose
// strings are text, and for the kinds the hub knows, of that kind's shape and values.
func (s *ObjectStatus) Validate() error {
	switch {
	case !kindRE.MatchString(s.Kind):
		return invalid("kind", "a kind like %s (a capital letter, then at most 62 letters or digits)", KindExtension)
	case !objectNameRE.MatchString(s.Name):
		return invalid("name", "an object name (at most 253 letters, digits, '-', '.' or '_', starting and ending with a letter or digit)")
	case !resourceVersionRE.MatchString(s.ObservedResourceVersion):
		return invalid("observedResourceVersion", "the decimal resourceVersion of a desired object, or empty")
	}
	if err := checkPayload("status", s.Status, MaxStatusBytes); err != nil {
		return err
	}
	return s.validateKind()
}

// checkPayload checks a JSON object payload (a status, a log line's fields) named field: its
// size of at most maxBytes, that it is an object (or absent), and every value in it.
func checkPayload(field string, raw json.RawMessage, maxBytes int) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if len(raw) > maxBytes {
		return invalid(field, "at most %d bytes of JSON", maxBytes)
	}
	if !utf8.Valid(raw) {
		return invalid(field, "valid UTF-8")
	}
	var v any
	if raw[0] != '{' || json.Unmarshal(raw, &v) != nil {
		return invalid(field, "a JSON object")
	}
	return checkValue(field, v, 1)
}

// checkValue checks one decoded JSON value at path and what it holds.
func checkValue(path string, v any, depth int) error {
	if depth > MaxStatusDepth {
		return invalid(path, "nested at most %d levels deep", MaxStatusDepth)
	}
	switch v := v.(type) {
	case string:
		if len(v) > MaxStatusString {
			return invalid(path, "at most %d bytes", MaxStatusString)
		}
		if why := checkText(v); why != "" {
			return invalid(path, "%s", why)
		}
	case []any:
		for i, e := range v {
			if err := checkValue(fmt.Sprintf("%s[%d]", path, i), e, depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		return checkObject(path, v, depth)
	}
	return nil
}

// checkObject checks an object's keys, then its values in key order.
func checkObject(path string, obj map[string]any, depth int) error {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if len(k) > maxStatusKey || checkText(k) != "" {
			return invalid(path, "an object whose keys are text of at most %d bytes", maxStatusKey)
		}
		if err := checkValue(path+"."+k, obj[k], depth+1); err != nil {
			return err
		}
	}
	return nil
}

// validateKind checks the payload of a kind the hub knows against that kind's shape.
func (s *ObjectStatus) validateKind() error {
	var check func() error
	switch s.Kind {
	case KindExtension:
		var es ExtensionStatus
		check = es.validate
		if err := decodeKind(s.Status, &es); err != nil {
			return err
		}
	case KindGitOpsConfiguration:
		var gs GitOpsConfigurationStatus
		check = gs.validate
		if err := decodeKind(s.Status, &gs); err != nil {
			return err
		}
	default:
		return nil
	}
	return prefixed("status.", check())
}

// decodeKind decodes a payload into its kind's type; an absent payload leaves v empty.
func decodeKind(raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return invalid("status", "a status of the kind's shape (%T)", v)
	}
	return nil
}

func (es *ExtensionStatus) validate() error {
	switch {
	case !slices.Contains(provisioningStates, es.ProvisioningState):
		return invalid("provisioningState", "one of %q", provisioningStates[1:])
	case !IsPlainValue(es.InstalledVersion), !IsPlainValue(es.ExtensionType), !IsPlainValue(es.ReleaseTrain):
		return invalid("installedVersion, extensionType and releaseTrain", PlainValueRule)
	case es.HelmRevision < 0:
		return invalid("helmRevision", "0 or more")
	}
	if err := checkPlacement(es.Scope, es.Namespace); err != nil {
		return err
	}
	return checkConditions("conditions", es.Conditions)
}

func (gs *GitOpsConfigurationStatus) validate() error {
	switch {
	case !slices.Contains(provisioningStates, gs.ProvisioningState):
		return invalid("provisioningState", "one of %q", provisioningStates[1:])
	case !slices.Contains(complianceStates, gs.ComplianceState):
		return invalid("complianceState", "one of %q", complianceStates[1:])
	}
	for i, st := range gs.Statuses {
		if !slices.Contains(complianceStates, st.ComplianceState) {
			return invalid(fmt.Sprintf("statuses[%d].complianceState", i), "one of %q", complianceStates[1:])
		}
		if err := checkConditions(fmt.Sprintf("statuses[%d].statusConditions", i), st.StatusConditions); err != nil {
			return err
		}
	}
	if gs.ClusterOwned != nil {
		if err := checkPlacement(gs.ClusterOwned.Scope, gs.ClusterOwned.Namespace); err != nil {
			return prefixed("clusterOwned.", err)
		}
	}
	return checkConditions("conditions", gs.Conditions)
}

// checkPlacement checks a scope and a namespace as the cluster has them.
func checkPlacement(scope, namespace string) error {
	if !slices.Contains(scopes, scope) {
		return invalid("scope", "one of %q", scopes[1:])
	}
	if namespace != "" && len(validation.IsDNS1123Label(namespace)) > 0 {
		return invalid("namespace", "a Kubernetes namespace name")
	}
	return nil
}

// checkConditions checks conditions against the limits Kubernetes applies to them.
func checkConditions(path string, conds []Condition) error {
	for i, c := range conds {
		at := fmt.Sprintf("%s[%d].", path, i)
		switch {
		case len(c.Type) == 0 || len(c.Type) > 316:
			return invalid(at+"type", "1-316 characters")
		case !slices.Contains(conditionStatuses, c.Status):
			return invalid(at+"status", "one of %q", conditionStatuses)
		case len(c.Reason) > 1024:
			return invalid(at+"reason", "at most 1024 characters")
		}
	}
	return nil
}

// prefixed puts prefix before the field of an InvalidFieldError.
func prefixed(prefix string, err error) error {
	var e *InvalidFieldError
	if errors.As(err, &e) {
		return &InvalidFieldError{Field: prefix + e.Field, Rule: e.Rule}
	}
	return err
}
