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

package policytemplate

import (
	"encoding/json"
	"strings"
	"testing"
)

const valid = `apiVersion: templates.gatekeeper.sh/v1
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
`

func TestParse(t *testing.T) {
	for _, tt := range []struct{ name, source, wantErr string }{
		{"valid", valid, ""},
		{"no name: the agent names it", strings.Replace(valid, "  name: k8srequiredlabels\n", "  labels: {a: b}\n", 1), ""},
		{"code instead of rego", strings.Replace(valid, "rego: |\n      package k8srequiredlabels\n", "code:\n    - engine: K8sNativeValidation\n      source: {}\n", 1), ""},
		{"v1beta1", strings.Replace(valid, "/v1\n", "/v1beta1\n", 1), "set apiVersion: templates.gatekeeper.sh/v1"},
		{"another object", "apiVersion: v1\nkind: ConfigMap\n", "kind 'ConfigMap' of apiVersion 'v1'"},
		{"an unknown field", strings.Replace(valid, "  targets:", "  targetz: []\n  targets:", 1), `unknown field "targetz"`},
		{"a loose field", strings.Replace(valid, "    rego: |", "    regoo: x\n    rego: |", 1), `unknown field "regoo"`},
		{"no kind", strings.Replace(valid, "kind: K8sRequiredLabels", "shortNames: [x]", 1), "spec.crd.spec.names.kind, the constraint kind, is required"},
		{"a kind that is none", strings.ReplaceAll(strings.ReplaceAll(valid, "K8sRequiredLabels", "K8s-Labels"), "k8srequiredlabels", "k8s-labels"), "'K8s-Labels' is not a kind"},
		{"a kind too long", strings.Replace(valid, "K8sRequiredLabels", "K"+strings.Repeat("x", 63), 1), "is not a kind"},
		{"a name other than the kind's", strings.Replace(valid, "name: k8srequiredlabels", "name: labels", 1), "metadata.name is 'labels'"},
		{"no target", strings.Split(valid, "  targets:")[0], "spec.targets has 0 targets"},
		{"another target", strings.Replace(valid, "admission.k8s.gatekeeper.sh", "audit.example", 1), "spec.targets[0].target is 'audit.example'"},
		{"no rego", strings.Replace(valid, "    rego: |\n      package k8srequiredlabels\n", "    libs: []\n", 1), "neither rego nor code"},
	} {
		_, err := Parse(tt.source)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestLabelSelector(t *testing.T) {
	for _, tt := range []struct{ raw, wantErr string }{
		{`{"matchLabels": {"policy": "on"}}`, ""},
		{`{"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}`, ""},
		{`{}`, ""},
		{`{"matchLabel": {"a": "b"}}`, `unknown field "matchLabel"`},
		{`{"matchLabels": {"a": 1}}`, "not a label selector"},
		{`[]`, "not a label selector"},
		{`{"matchExpressions": [{"key": "tier", "operator": "Near"}]}`, "not a valid label selector"},
		{`{"matchExpressions": [{"key": "tier", "operator": "In"}]}`, "not a valid label selector"},
		{`{"matchLabels": {"bad key!": "x"}}`, "not a valid label selector"},
		{`{"matchLabels": {"a": "not a value"}}`, "not a valid label selector"},
	} {
		_, err := LabelSelector(json.RawMessage(tt.raw))
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: %v, want %q", tt.raw, err, tt.wantErr)
		}
	}
}
