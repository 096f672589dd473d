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

// Package policytemplate is the one check of what a policy assignment carries to a cluster
// (a Gatekeeper ConstraintTemplate and a label selector) that the hub and the agent share,
// so that the hub refuses with a 400 what every agent would refuse.
package policytemplate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// APIVersion is the one ConstraintTemplate version taken: the one the agent applies.
const APIVersion = "templates.gatekeeper.sh/v1"

// Target is the one target Gatekeeper enforces templates for.
const Target = "admission.k8s.gatekeeper.sh"

// kindPattern is what a template's constraint kind must match: a Kubernetes kind, which
// Gatekeeper's CRD and the template's name are made from.
var kindPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,62}$`)

// Name is the name Gatekeeper requires of the template of constraint kind kind.
func Name(kind string) string { return strings.ToLower(kind) }

// Parse decodes a ConstraintTemplate from YAML or JSON, strictly (an unknown field is an
// error), and checks it. Errors name the template's field and say what to fix.
func Parse(source string) (*templatesv1.ConstraintTemplate, error) {
	ct := &templatesv1.ConstraintTemplate{}
	if err := yaml.UnmarshalStrict([]byte(source), ct); err != nil {
		return nil, fmt.Errorf("it is not a Gatekeeper ConstraintTemplate in YAML or JSON: %w", err)
	}
	if err := Check(ct); err != nil {
		return nil, err
	}
	return ct, nil
}

// Check returns what Gatekeeper or the agent would refuse in ct, naming the field.
func Check(ct *templatesv1.ConstraintTemplate) error {
	kind := ct.Spec.CRD.Spec.Names.Kind
	switch {
	case ct.APIVersion != APIVersion || ct.Kind != "ConstraintTemplate":
		return fmt.Errorf("it is kind '%s' of apiVersion '%s'; set apiVersion: %s and kind: ConstraintTemplate", ct.Kind, ct.APIVersion, APIVersion)
	case kind == "":
		return fmt.Errorf("spec.crd.spec.names.kind, the constraint kind, is required")
	case !kindPattern.MatchString(kind):
		return fmt.Errorf("spec.crd.spec.names.kind '%s' is not a kind: name the kind of its constraints with at most 63 letters and digits, starting with a letter (e.g. K8sRequiredLabels)", kind)
	case ct.Name != "" && ct.Name != Name(kind):
		return fmt.Errorf("metadata.name is '%s'; Gatekeeper requires the lower-case spec.crd.spec.names.kind, '%s'", ct.Name, Name(kind))
	case len(ct.Spec.Targets) != 1:
		return fmt.Errorf("spec.targets has %d targets; Gatekeeper requires exactly one, %s with its Rego", len(ct.Spec.Targets), Target)
	}
	t := ct.Spec.Targets[0]
	switch {
	case t.Target != Target:
		return fmt.Errorf("spec.targets[0].target is '%s'; it must be %s", t.Target, Target)
	case strings.TrimSpace(t.Rego) == "" && len(t.Code) == 0:
		return fmt.Errorf("spec.targets[0] has neither rego nor code")
	}
	return nil
}

// LabelSelector decodes raw (JSON) strictly as a Kubernetes label selector and checks it as
// the API server would (operators, keys, values).
func LabelSelector(raw json.RawMessage) (*metav1.LabelSelector, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	sel := &metav1.LabelSelector{}
	if err := dec.Decode(sel); err != nil {
		return nil, fmt.Errorf("it is not a label selector ({matchLabels, matchExpressions}): %w", err)
	}
	if err := CheckLabelSelector(sel); err != nil {
		return nil, err
	}
	return sel, nil
}

// CheckLabelSelector checks a label selector as the API server would.
func CheckLabelSelector(sel *metav1.LabelSelector) error {
	if _, err := metav1.LabelSelectorAsSelector(sel); err != nil {
		return fmt.Errorf("it is not a valid label selector: %w", err)
	}
	return nil
}
