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

package charts_test

import (
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubearc/kubearc/internal/helm"
)

// demoChart is the demo extension's chart directory (the quickstart's offline catalog).
const demoChart = "kubearc-demo"

func renderDemo(t *testing.T, settings, protected map[string]string) (rendered, error) {
	t.Helper()
	vals, err := helm.Values(settings, protected)
	if err != nil {
		t.Fatal(err)
	}
	chrt, err := loader.Load(demoChart)
	if err != nil {
		t.Fatal(err)
	}
	return renderChart(chrt, "demo", "demo", vals)
}

// TestDemoShowsSettingsAndKeepsThePasswordInASecret checks what a user of the demo sees: the
// greeting in the ConfigMap, the protected password only in the Secret.
func TestDemoShowsSettingsAndKeepsThePasswordInASecret(t *testing.T) {
	const canary = "demo-canary-51c2"
	r, err := renderDemo(t, map[string]string{"greeting": "hi"}, map[string]string{"password": canary})
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	r.into(t, "ConfigMap", "demo-greeting", &cm)
	if cm.Data["greeting"] != "hi" || cm.Data["chartVersion"] != "0.1.0" {
		t.Errorf("ConfigMap data = %v, want the greeting and the chart version", cm.Data)
	}
	var secret corev1.Secret
	r.into(t, "Secret", "demo-password", &secret)
	if secret.StringData["password"] != canary {
		t.Errorf("the Secret lacks the password: %v", secret.StringData)
	}
	for _, obj := range r.objects {
		if raw, _ := obj.MarshalJSON(); obj.GetKind() != "Secret" && strings.Contains(string(raw), canary) {
			t.Errorf("the password must be in the Secret only, not in %s %s", obj.GetKind(), obj.GetName())
		}
	}

	r, err = renderDemo(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.find("Secret", "demo-password") != nil {
		t.Error("without a password the demo must create no Secret")
	}
}

func TestDemoRefusesUnknownSettings(t *testing.T) {
	_, err := renderDemo(t, map[string]string{"greting": "typo"}, nil)
	if err == nil || !strings.Contains(err.Error(), "greting") {
		t.Fatalf("a misspelt setting must be refused by name, got %v", err)
	}
}

func TestDemoHelmLintIsClean(t *testing.T) {
	lint := action.NewLint()
	lint.Strict = true
	result := lint.Run([]string{demoChart}, nil)
	if result.TotalChartsLinted != 1 || action.HasWarningsOrErrors(result) {
		t.Errorf("helm lint found problems: %v %v", result.Errors, result.Messages)
	}
}
