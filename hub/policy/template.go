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
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/hub/nested"
)

// Template sources of a Kubernetes definition's templateInfo.sourceType.
const (
	SourceBase64 = "Base64Encoded"
	SourcePublic = "PublicURL"
)

// MaxTemplateBytes bounds a ConstraintTemplate: it travels to every cluster an assignment of
// its definition applies to.
const MaxTemplateBytes = 256 << 10

// gatekeeperTarget is the one target Gatekeeper enforces templates for.
const gatekeeperTarget = "admission.k8s.gatekeeper.sh"

// templateAPIVersions are the ConstraintTemplate versions Gatekeeper serves.
var templateAPIVersions = []string{"templates.gatekeeper.sh/v1", "templates.gatekeeper.sh/v1beta1"}

// templateInfo is where a Kubernetes definition's ConstraintTemplate comes from.
type templateInfo struct {
	SourceType string `json:"sourceType"`
	Content    string `json:"content,omitempty"`
	URL        string `json:"url,omitempty"`
}

// templateField is the JSON path of a definition's templateInfo.
const templateField = "properties.policyRule.then.details.templateInfo"

// content returns the template info names: the content decoded, or fetched, the content a
// PublicURL had when the definition was written.
func (ti *templateInfo) content(fetched string) (string, error) {
	switch {
	case strings.EqualFold(ti.SourceType, SourceBase64):
		if ti.Content == "" {
			return "", nested.Missing("The property '%s.content' is required with sourceType %s: the ConstraintTemplate, base64-encoded.", templateField, SourceBase64)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ti.Content))
		if err != nil {
			return "", nested.Invalid("The property '%s.content' is not base64: %v.", templateField, err)
		}
		return string(raw), nil
	case strings.EqualFold(ti.SourceType, SourcePublic):
		if ti.URL == "" {
			return "", nested.Missing("The property '%s.url' is required with sourceType %s.", templateField, SourcePublic)
		}
		return fetched, nil
	}
	return "", nested.Invalid("The property '%s.sourceType' is '%s'; it must be %s or %s.", templateField, ti.SourceType, SourceBase64, SourcePublic)
}

// checkTemplate checks that content is a Gatekeeper ConstraintTemplate (YAML or JSON), as
// Gatekeeper would take it; from names where it came from in messages.
func checkTemplate(content, from string) error {
	if len(content) > MaxTemplateBytes {
		return nested.Invalid("The ConstraintTemplate of %s is larger than %d bytes.", from, MaxTemplateBytes)
	}
	var ct templatesv1.ConstraintTemplate
	if err := yaml.Unmarshal([]byte(content), &ct); err != nil {
		return nested.Invalid("The ConstraintTemplate of %s is not a Gatekeeper ConstraintTemplate in YAML or JSON: %v.", from, err)
	}
	if err := templateProblem(&ct); err != nil {
		return nested.Invalid("The ConstraintTemplate of %s is invalid: %v.", from, err)
	}
	return nil
}

// templateProblem returns what Gatekeeper would refuse in ct, naming the field.
func templateProblem(ct *templatesv1.ConstraintTemplate) error {
	kind := ct.Spec.CRD.Spec.Names.Kind
	switch {
	case !slices.Contains(templateAPIVersions, ct.APIVersion):
		return fmt.Errorf("apiVersion is '%s'; it must be %s", ct.APIVersion, strings.Join(templateAPIVersions, " or "))
	case ct.Kind != "ConstraintTemplate":
		return fmt.Errorf("kind is '%s'; it must be ConstraintTemplate", ct.Kind)
	case kind == "":
		return fmt.Errorf("spec.crd.spec.names.kind, the constraint kind, is required")
	case ct.Name != strings.ToLower(kind):
		return fmt.Errorf("metadata.name is '%s'; Gatekeeper requires the lower-case spec.crd.spec.names.kind, '%s'", ct.Name, strings.ToLower(kind))
	case len(ct.Spec.Targets) != 1:
		return fmt.Errorf("spec.targets has %d targets; Gatekeeper requires exactly one", len(ct.Spec.Targets))
	}
	t := ct.Spec.Targets[0]
	switch {
	case t.Target != gatekeeperTarget:
		return fmt.Errorf("spec.targets[0].target is '%s'; it must be %s", t.Target, gatekeeperTarget)
	case strings.TrimSpace(t.Rego) == "" && len(t.Code) == 0:
		return fmt.Errorf("spec.targets[0] has neither rego nor code")
	}
	return nil
}
