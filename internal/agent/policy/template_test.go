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
	"strings"
	"testing"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
)

func TestRenderTemplate(t *testing.T) {
	valid := requiredLabels(t)
	tests := []struct {
		name, source, wantErr string
	}{
		{name: "YAML", source: valid},
		{name: "JSON", source: `{"apiVersion":"templates.gatekeeper.sh/v1","kind":"ConstraintTemplate","spec":{"crd":{"spec":{"names":{"kind":"K8sRequiredLabels"}}},"targets":[{"target":"admission.k8s.gatekeeper.sh","rego":"package x"}]}}`},
		{name: "not YAML", source: "{{{", wantErr: "spec.template is not a ConstraintTemplate the agent can apply: it is not a Gatekeeper ConstraintTemplate in YAML or JSON"},
		{name: "an unknown field", source: strings.Replace(valid, "  targets:", "  targetz: []\n  targets:", 1), wantErr: `unknown field "targetz"`},
		{name: "another kind of object", source: "apiVersion: v1\nkind: ConfigMap\n", wantErr: "it is kind 'ConfigMap' of apiVersion 'v1'; set apiVersion: templates.gatekeeper.sh/v1"},
		{name: "an older version", source: strings.Replace(valid, "templates.gatekeeper.sh/v1", "templates.gatekeeper.sh/v1beta1", 1), wantErr: "set apiVersion: templates.gatekeeper.sh/v1"},
		{name: "no kind", source: strings.Replace(valid, "kind: K8sRequiredLabels", "kind: ''", 1), wantErr: "spec.crd.spec.names.kind, the constraint kind, is required"},
		{name: "a kind that cannot name a CRD", source: withKind(valid, "K8s_Labels"), wantErr: "spec.crd.spec.names.kind 'K8s_Labels' is not a kind"},
		{name: "a name other than the kind's", source: strings.Replace(valid, "name: k8srequiredlabels", "name: labels", 1), wantErr: "metadata.name is 'labels'; Gatekeeper requires the lower-case spec.crd.spec.names.kind, 'k8srequiredlabels'"},
		{name: "no targets", source: strings.Split(valid, "  targets:")[0], wantErr: "spec.targets has 0 targets"},
		{name: "two targets", source: `{"apiVersion":"templates.gatekeeper.sh/v1","kind":"ConstraintTemplate","spec":{"crd":{"spec":{"names":{"kind":"K8sX"}}},"targets":[{"target":"admission.k8s.gatekeeper.sh","rego":"package x"},{"target":"admission.k8s.gatekeeper.sh","rego":"package y"}]}}`, wantErr: "spec.targets has 2 targets"},
		{name: "another target", source: strings.Replace(valid, "admission.k8s.gatekeeper.sh", "other.target", 1), wantErr: "spec.targets[0].target is 'other.target'"},
		{name: "no rego", source: `{"apiVersion":"templates.gatekeeper.sh/v1","kind":"ConstraintTemplate","spec":{"crd":{"spec":{"names":{"kind":"K8sX"}}},"targets":[{"target":"admission.k8s.gatekeeper.sh"}]}}`, wantErr: "spec.targets[0] has neither rego nor code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := renderTemplate(tt.source)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tmpl.Name != "k8srequiredlabels" || tmpl.APIVersion != "templates.gatekeeper.sh/v1" || tmpl.Kind != "ConstraintTemplate" {
				t.Errorf("template %s %s %s, want the v1 ConstraintTemplate k8srequiredlabels", tmpl.APIVersion, tmpl.Kind, tmpl.Name)
			}
			if !managedByAgent(tmpl) || len(tmpl.Annotations[AnnotationTemplateDigest]) != 64 {
				t.Errorf("labels %v annotations %v, want the agent's label and a digest", tmpl.Labels, tmpl.Annotations)
			}
			if len(tmpl.Spec.Targets) != 1 || tmpl.Spec.Targets[0].Target != "admission.k8s.gatekeeper.sh" {
				t.Errorf("targets = %+v", tmpl.Spec.Targets)
			}
		})
	}
}

func TestTemplateDigestFollowsTheContentOnly(t *testing.T) {
	render := func(source string) *templatesv1.ConstraintTemplate {
		tmpl, err := renderTemplate(source)
		if err != nil {
			t.Fatal(err)
		}
		return tmpl
	}
	a := render(requiredLabels(t))
	reformatted := render(strings.Replace(requiredLabels(t), "kind: ConstraintTemplate", "kind:   ConstraintTemplate", 1))
	otherRego := render(strings.Replace(requiredLabels(t), "must provide", "need", 1))
	if !sameContent(a, reformatted) {
		t.Error("the same template, formatted differently, has another digest")
	}
	if sameContent(a, otherRego) {
		t.Error("templates with different Rego have the same digest")
	}
}

func TestTemplateStatus(t *testing.T) {
	ps := policySync(t, "p")
	compileError := templatesv1.CreateCRDError{Code: "ingest_error", Message: "rego_parse_error: unexpected eof token", Location: "k8srequiredlabels.rego:3"}
	tests := []struct {
		name       string
		tmpl       func() *templatesv1.ConstraintTemplate
		wantErrors string
		processed  bool
	}{
		{name: "created", tmpl: func() *templatesv1.ConstraintTemplate { return liveTemplate(t, ps) }, processed: true},
		{name: "with a compile error", tmpl: func() *templatesv1.ConstraintTemplate { return liveTemplate(t, ps, compileError) },
			wantErrors: "ingest_error: rego_parse_error: unexpected eof token (at k8srequiredlabels.rego:3)", processed: true},
		{name: "a new generation Gatekeeper has not seen", tmpl: func() *templatesv1.ConstraintTemplate {
			tmpl := liveTemplate(t, ps, compileError)
			tmpl.Generation = 2
			return tmpl
		}},
		{name: "not created yet", tmpl: func() *templatesv1.ConstraintTemplate {
			tmpl := liveTemplate(t, ps)
			tmpl.Status.Created = false
			return tmpl
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := tt.tmpl()
			if got := templateErrors(tmpl); got != tt.wantErrors {
				t.Errorf("errors = %q, want %q", got, tt.wantErrors)
			}
			if got := templateProcessed(tmpl); got != tt.processed {
				t.Errorf("processed = %v, want %v", got, tt.processed)
			}
		})
	}
}
