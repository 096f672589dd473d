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

package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubearc/kubearc/pkg/policytemplate"
)

// renderTemplate parses a PolicySync's spec.template (YAML or JSON, fields checked strictly,
// with the check the hub makes too: policytemplate) into the ConstraintTemplate the agent
// applies: named after its kind, labelled as the agent's, with the digest of its content. Its
// errors say what to fix in spec.template.
func renderTemplate(source string) (*templatesv1.ConstraintTemplate, error) {
	in, err := policytemplate.Parse(source)
	if err != nil {
		return nil, fmt.Errorf("spec.template is not a ConstraintTemplate the agent can apply: %w", err)
	}
	out := &templatesv1.ConstraintTemplate{
		TypeMeta: metav1.TypeMeta{APIVersion: templatesv1.SchemeGroupVersion.String(), Kind: "ConstraintTemplate"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        TemplateName(in.Spec.CRD.Spec.Names.Kind),
			Labels:      withEntry(in.Labels, LabelManagedBy, ManagedByAgent),
			Annotations: maps.Clone(in.Annotations),
		},
		Spec: in.Spec,
	}
	out.Annotations = withEntry(out.Annotations, AnnotationTemplateDigest, digest(out))
	return out, nil
}

// digest identifies the content of a rendered template: its labels, annotations and spec.
func digest(t *templatesv1.ConstraintTemplate) string {
	content, _ := json.Marshal([]any{t.Labels, t.Annotations, t.Spec}) // plain data: cannot fail
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// withEntry returns a copy of m with key set to value.
func withEntry(m map[string]string, key, value string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[key] = value
	return out
}

// sameContent reports whether two templates carry the same digest.
func sameContent(a, b *templatesv1.ConstraintTemplate) bool {
	return a.Annotations[AnnotationTemplateDigest] == b.Annotations[AnnotationTemplateDigest]
}

// templateErrors joins the errors Gatekeeper's pods report for the template's current
// generation, such as a Rego compile error; empty when there are none.
func templateErrors(t *templatesv1.ConstraintTemplate) string {
	var errs []podError
	for _, p := range t.Status.ByPod {
		if p.ObservedGeneration == t.Generation {
			for _, e := range p.Errors {
				errs = append(errs, podError(e))
			}
		}
	}
	return joinErrors(errs)
}

// templateProcessed reports whether Gatekeeper took in the template's current generation:
// it created the constraint CRD, and a pod reports on that generation.
func templateProcessed(t *templatesv1.ConstraintTemplate) bool {
	if !t.Status.Created {
		return false
	}
	for _, p := range t.Status.ByPod {
		if p.ObservedGeneration == t.Generation {
			return true
		}
	}
	return false
}
