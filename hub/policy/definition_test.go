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
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// labelsTemplate is a small valid ConstraintTemplate.
const labelsTemplate = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        violation[{"msg": "missing"}] { not input.review.object.metadata.labels.team }
`

// definitionJSON is the properties of a Kubernetes definition of the template, with the
// replacements applied (old, new, old, new, …).
func definitionJSON(template string, replacements ...string) string {
	props := `{
		"mode": "Microsoft.Kubernetes.Data",
		"parameters": {
			"effect": {"type": "String", "allowedValues": ["audit", "deny", "disabled"], "defaultValue": "deny"},
			"labels": {"type": "Array"},
			"excluded": {"type": "Array", "defaultValue": ["kube-system"]},
			"selector": {"type": "Object", "defaultValue": {}},
			"limits": {"type": "Object", "defaultValue": {"paths": ["/var"]}}
		},
		"policyRule": {
			"if": {"field": "type", "equals": "Microsoft.Kubernetes/connectedClusters"},
			"then": {"effect": "[parameters('effect')]", "details": {
				"templateInfo": {"sourceType": "Base64Encoded", "content": "CONTENT"},
				"apiGroups": [""], "kinds": ["Namespace"],
				"excludedNamespaces": "[parameters('excluded')]",
				"labelSelector": "[parameters('selector')]",
				"values": {"labels": "[parameters('labels')]", "paths": "[parameters('limits').paths]"}
			}}
		}
	}`
	props = strings.Replace(props, "CONTENT", base64.StdEncoding.EncodeToString([]byte(template)), 1)
	return strings.NewReplacer(replacements...).Replace(props)
}

func parseJSON(t *testing.T, props string) (*Definition, error) {
	t.Helper()
	var p DefinitionProperties
	if err := json.Unmarshal([]byte(props), &p); err != nil {
		t.Fatalf("%v: %s", err, props)
	}
	return ParseDefinition("/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/d", p, "")
}

func TestParseDefinition(t *testing.T) {
	tmpl := func(old, new string) string { return strings.Replace(labelsTemplate, old, new, 1) }
	noTargets, _, _ := strings.Cut(labelsTemplate, "  targets:")
	for _, tt := range []struct {
		name, props, wantErr string
	}{
		{"valid", definitionJSON(labelsTemplate), ""},
		{"another mode is stored as it is", `{"mode": "All", "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "modify"}}}`, ""},
		{"template in JSON", definitionJSON(`{"apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
			"metadata": {"name": "k8sx"}, "spec": {"crd": {"spec": {"names": {"kind": "K8sX"}}},
			"targets": [{"target": "admission.k8s.gatekeeper.sh", "rego": "package x"}]}}`), ""},
		{"literal effect", definitionJSON(labelsTemplate, `"[parameters('effect')]"`, `"Audit"`), ""},
		{"no policy rule", `{"mode": "Microsoft.Kubernetes.Data"}`, "properties.policyRule"},
		{"rule without then", `{"mode": "All", "policyRule": {"if": {}}}`, "properties.policyRule"},
		{"unsupported effect", definitionJSON(labelsTemplate, `"[parameters('effect')]"`, `"mutate"`), "then.effect"},
		{"effect of a wrong type", definitionJSON(labelsTemplate, `"[parameters('effect')]"`, `"[parameters('labels')]"`), "then.effect"},
		{"undefined parameter", definitionJSON(labelsTemplate, `[parameters('labels')]`, `[parameters('missing')]`), "the parameter 'missing'"},
		{"parameter of a wrong type", definitionJSON(labelsTemplate, `"[parameters('excluded')]"`, `"[parameters('effect')]"`), "then.details.excludedNamespaces"},
		{"literal of a wrong shape", definitionJSON(labelsTemplate, `"kinds": ["Namespace"]`, `"kinds": "Namespace"`), "then.details.kinds"},
		{"unsupported expression", definitionJSON(labelsTemplate, `[parameters('labels')]`, `[concat('a')]`), "not supported"},
		{"no details", definitionJSON(labelsTemplate, `"details"`, `"other"`), "then.details"},
		{"no templateInfo", definitionJSON(labelsTemplate, `"templateInfo"`, `"other"`), "templateInfo"},
		{"retired constraintTemplate", definitionJSON(labelsTemplate, `"apiGroups"`, `"constraintTemplate": "https://x", "apiGroups"`), "then.details.constraintTemplate"},
		{"bad source type", definitionJSON(labelsTemplate, `"Base64Encoded"`, `"Inline"`), "templateInfo.sourceType"},
		{"not base64", definitionJSON(labelsTemplate, `"content": "`, `"content": "%%%`), "templateInfo.content"},
		{"not YAML", definitionJSON("a: [b"), "not a Gatekeeper ConstraintTemplate"},
		{"wrong apiVersion", definitionJSON(tmpl("templates.gatekeeper.sh/v1", "v1")), "apiVersion"},
		{"wrong kind", definitionJSON(tmpl("kind: ConstraintTemplate", "kind: Template")), "kind 'Template'"},
		{"v1beta1, which the agent does not apply", definitionJSON(tmpl("templates.gatekeeper.sh/v1", "templates.gatekeeper.sh/v1beta1")), "set apiVersion: templates.gatekeeper.sh/v1"},
		{"an unknown template field", definitionJSON(tmpl("  targets:", "  targetz: []\n  targets:")), `unknown field "targetz"`},
		{"a constraint kind that is no kind", definitionJSON(strings.ReplaceAll(strings.ReplaceAll(labelsTemplate, "K8sRequiredLabels", "K8s_Labels"), "k8srequiredlabels", "k8s_labels")), "'K8s_Labels' is not a kind"},
		{"a label selector with an unknown field", definitionJSON(labelsTemplate, `"[parameters('selector')]"`, `{"matchLabel": {"a": "b"}}`), "then.details.labelSelector"},
		{"a label selector with an unknown operator", definitionJSON(labelsTemplate, `"[parameters('selector')]"`, `{"matchExpressions": [{"key": "tier", "operator": "Near"}]}`), "then.details.labelSelector"},
		{"a label selector default that is none", definitionJSON(labelsTemplate, `"labels": {"type": "Array"}`, `"labels": {"type": "Array", "defaultValue": []}`,
			`"selector": {"type": "Object", "defaultValue": {}}`, `"selector": {"type": "Object", "defaultValue": {"matchLabels": {"a": "not a value"}}}`), "then.details.labelSelector"},
		{"a literal label selector", definitionJSON(labelsTemplate, `"[parameters('selector')]"`, `{"matchExpressions": [{"key": "tier", "operator": "Exists"}]}`), ""},
		{"no constraint kind", definitionJSON(tmpl("kind: K8sRequiredLabels", "shortNames: [x]")), "spec.crd.spec.names.kind"},
		{"name not the kind", definitionJSON(tmpl("name: k8srequiredlabels", "name: labels")), "metadata.name"},
		{"no target", definitionJSON(noTargets), "spec.targets"},
		{"other target", definitionJSON(tmpl("admission.k8s.gatekeeper.sh", "other")), "spec.targets[0].target"},
		{"no rego", definitionJSON(strings.Split(labelsTemplate, "      rego: |")[0]), "neither rego nor code"},
		{"long display name", strings.Replace(definitionJSON(labelsTemplate), `"mode"`, `"displayName": "`+strings.Repeat("x", 129)+`", "mode"`, 1), "properties.displayName"},
		{"metadata not an object", strings.Replace(definitionJSON(labelsTemplate), `"mode"`, `"metadata": [], "mode"`, 1), "properties.metadata"},
	} {
		_, err := parseJSON(t, tt.props)
		wantInvalid(t, tt.name, err, tt.wantErr)
	}
}

func TestDefaultsMustResolve(t *testing.T) {
	props := definitionJSON(labelsTemplate, `"labels": {"type": "Array"}`, `"labels": {"type": "Array", "defaultValue": []}`,
		`"defaultValue": {"paths": ["/var"]}`, `"defaultValue": {"other": 1}`)
	_, err := parseJSON(t, props)
	wantInvalid(t, "default without the property", err, "no property 'paths'")
}

func TestResolve(t *testing.T) {
	def, err := parseJSON(t, definitionJSON(labelsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	const id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/policyAssignments/a"
	for _, tt := range []struct {
		name, params, mode string
		want               *protocol.PolicySyncSpec
		wantErr            string
	}{
		{name: "defaults", params: `{"labels": {"value": ["team"]}}`, want: &protocol.PolicySyncSpec{EnforcementAction: "deny",
			Match:      protocol.PolicyMatch{Kinds: []protocol.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"Namespace"}}}, ExcludedNamespaces: []string{"kube-system"}},
			Parameters: json.RawMessage(`{"labels":["team"],"paths":["/var"]}`)}},
		{name: "audit, a selector", params: `{"labels": {"value": []}, "effect": {"value": "audit"}, "selector": {"value": {"matchLabels": {"a": "b"}}}, "excluded": {"value": []}}`,
			want: &protocol.PolicySyncSpec{EnforcementAction: "dryrun",
				Match:      protocol.PolicyMatch{Kinds: []protocol.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"Namespace"}}}, LabelSelector: json.RawMessage(`{"matchLabels":{"a":"b"}}`)},
				Parameters: json.RawMessage(`{"labels":[],"paths":["/var"]}`)}},
		{name: "do not enforce", params: `{"labels": {"value": ["team"]}}`, mode: EnforcementDoNotEnforce, want: &protocol.PolicySyncSpec{EnforcementAction: "dryrun",
			Match:      protocol.PolicyMatch{Kinds: []protocol.PolicyKinds{{APIGroups: []string{""}, Kinds: []string{"Namespace"}}}, ExcludedNamespaces: []string{"kube-system"}},
			Parameters: json.RawMessage(`{"labels":["team"],"paths":["/var"]}`)}},
		{name: "disabled", params: `{"labels": {"value": ["team"]}, "effect": {"value": "disabled"}}`},
		{name: "property missing in the value", params: `{"labels": {"value": ["team"]}, "limits": {"value": {}}}`, wantErr: "no property 'paths'"},
		{name: "a selector that is none", params: `{"labels": {"value": []}, "selector": {"value": {"matchLabel": {"a": "b"}}}}`, wantErr: "then.details.labelSelector"},
		{name: "a selector the API server refuses", params: `{"labels": {"value": []}, "selector": {"value": {"matchExpressions": [{"key": "a", "operator": "In"}]}}}`,
			wantErr: "then.details.labelSelector"},
	} {
		a := &Assignment{ID: id, Properties: AssignmentProperties{EnforcementMode: tt.mode, NonComplianceMessages: []NonComplianceMessage{{Message: "label it"}}}}
		_ = json.Unmarshal([]byte(tt.params), &a.Properties.Parameters)
		spec, err := Resolve(def, a)
		wantInvalid(t, tt.name, err, tt.wantErr)
		if err != nil || tt.wantErr != "" {
			continue
		}
		if tt.want != nil {
			tt.want.AssignmentID, tt.want.DefinitionID, tt.want.Template, tt.want.Message = id, def.ID, labelsTemplate, "label it"
		}
		got, _ := json.Marshal(spec)
		want, _ := json.Marshal(tt.want)
		if string(got) != string(want) {
			t.Errorf("%s: Resolve =\n%s\nwant\n%s", tt.name, got, want)
		}
	}
}

func TestBuiltinsLoad(t *testing.T) {
	defs, err := loadBuiltins()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if !d.Kubernetes() || d.Properties.PolicyType != PolicyTypeBuiltIn || d.Properties.DisplayName == "" || !strings.HasPrefix(d.ID, builtinPrefix) {
			t.Errorf("built-in %s: Kubernetes %v, policyType %q, displayName %q", d.ID, d.Kubernetes(), d.Properties.PolicyType, d.Properties.DisplayName)
		}
	}
}

// TestBuiltinsExcludeKubearcsNamespace: the built-ins' default excludedNamespaces name
// kubearc's agent namespace (not Azure's azure-arc, which kubearc does not run in), with
// kube-system and gatekeeper-system, as their descriptions say.
func TestBuiltinsExcludeKubearcsNamespace(t *testing.T) {
	defs, err := loadBuiltins()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		p := d.Properties.Parameters["excludedNamespaces"]
		if p == nil {
			t.Errorf("%s has no excludedNamespaces parameter", d.ID)
			continue
		}
		var defaults []string
		if err := json.Unmarshal(p.DefaultValue, &defaults); err != nil {
			t.Fatalf("%s: %v", d.ID, err)
		}
		desc, _ := json.Marshal(p.Metadata)
		for _, ns := range []string{"kube-system", "gatekeeper-system", "kubearc-system"} {
			if !slices.Contains(defaults, ns) || !strings.Contains(string(desc), ns) {
				t.Errorf("%s: excludedNamespaces defaults to %v, described %s; want %s in both", d.ID, defaults, desc, ns)
			}
		}
		if slices.Contains(defaults, "azure-arc") || strings.Contains(string(desc), "azure-arc") {
			t.Errorf("%s: excludedNamespaces defaults to %v, described %s; want no azure-arc", d.ID, defaults, desc)
		}
	}
}
