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
	"regexp"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// templateKind is what the agent accepts as the kind of a template's constraints: a
// Kubernetes kind, which Gatekeeper's CRD and the template's name are made from.
var templateKind = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,62}$`)

// renderTemplate parses a PolicySync's spec.template (YAML or JSON, fields checked strictly)
// into the ConstraintTemplate the agent applies: named after its kind, labelled as the
// agent's, with the digest of its content. Its errors say what to fix in spec.template.
func renderTemplate(source string) (*templatesv1.ConstraintTemplate, error) {
	in := &templatesv1.ConstraintTemplate{}
	if err := yaml.UnmarshalStrict([]byte(source), in); err != nil {
		return nil, fmt.Errorf("spec.template is not a valid ConstraintTemplate: %w", err)
	}
	if err := checkTemplate(in); err != nil {
		return nil, err
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

// checkTemplate says what a parsed template lacks for the agent to apply it.
func checkTemplate(t *templatesv1.ConstraintTemplate) error {
	kind := t.Spec.CRD.Spec.Names.Kind
	switch {
	case t.APIVersion != templatesv1.SchemeGroupVersion.String() || t.Kind != "ConstraintTemplate":
		return fmt.Errorf("spec.template is %q of apiVersion %q: set apiVersion: %s and kind: ConstraintTemplate",
			t.Kind, t.APIVersion, templatesv1.SchemeGroupVersion)
	case !templateKind.MatchString(kind):
		return fmt.Errorf("spec.template's spec.crd.spec.names.kind %q is not a kind: name the kind of its constraints "+
			"with at most 63 letters and digits, starting with a letter (e.g. K8sRequiredLabels)", kind)
	case t.Name != "" && t.Name != TemplateName(kind):
		return fmt.Errorf("spec.template's metadata.name %q must be its kind in lower case, %q, as Gatekeeper requires",
			t.Name, TemplateName(kind))
	case len(t.Spec.Targets) == 0:
		return fmt.Errorf("spec.template has no spec.targets: add the admission.k8s.gatekeeper.sh target with its Rego")
	}
	return nil
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
