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

package policy_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/hub/policy"
	"github.com/kubearc/kubearc/internal/gatekeepertest"
	"github.com/kubearc/kubearc/internal/localcluster"
)

// TestBuiltinTemplatesOnGatekeeper creates the ConstraintTemplate of every built-in
// definition, as the hub serves it, in a real Gatekeeper running against a real API server
// (internal/gatekeepertest): each is created, without errors in status.byPod.
func TestBuiltinTemplatesOnGatekeeper(t *testing.T) {
	env, cfg, err := localcluster.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	gk := gatekeepertest.Start(t, cfg, gatekeepertest.Options{})
	scheme := runtime.NewScheme()
	if err := templatesv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := policy.NewService(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := svc.ListDefinitions(t.Context(), "")
	if err != nil || len(docs) == 0 {
		t.Fatalf("ListDefinitions = %d, %v", len(docs), err)
	}
	names := make([]string, 0, len(docs))
	for _, doc := range docs {
		ct := builtinTemplate(t, doc)
		if err := c.Create(t.Context(), ct); err != nil {
			t.Fatalf("creating the template of %s: %v", doc.Name, err)
		}
		names = append(names, ct.Name)
	}
	deadline := time.Now().Add(time.Minute)
	for _, name := range names {
		for {
			err := accepted(t, c, name, gk.PodName)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("template %s: %v", name, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// builtinTemplate is the ConstraintTemplate a built-in definition's templateInfo holds.
func builtinTemplate(t *testing.T, doc *policy.DefinitionDoc) *templatesv1.ConstraintTemplate {
	t.Helper()
	var rule struct {
		Then struct {
			Details struct {
				TemplateInfo struct {
					Content string `json:"content"`
				} `json:"templateInfo"`
			} `json:"details"`
		} `json:"then"`
	}
	if err := json.Unmarshal(doc.Properties.PolicyRule, &rule); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(rule.Then.Details.TemplateInfo.Content)
	if err != nil {
		t.Fatal(err)
	}
	var ct templatesv1.ConstraintTemplate
	if err := yaml.Unmarshal(raw, &ct); err != nil {
		t.Fatal(err)
	}
	return &ct
}

// accepted returns why the template name is not created by the Gatekeeper pod yet, or nil.
func accepted(t *testing.T, c client.Client, name, pod string) error {
	var ct templatesv1.ConstraintTemplate
	if err := c.Get(t.Context(), types.NamespacedName{Name: name}, &ct); err != nil {
		return err
	}
	for _, p := range ct.Status.ByPod {
		if len(p.Errors) > 0 {
			t.Fatalf("Gatekeeper refuses the template %s: %+v", name, p.Errors)
		}
	}
	for _, p := range ct.Status.ByPod {
		if p.ID == pod && ct.Status.Created {
			return nil
		}
	}
	return fmt.Errorf("not created yet: %+v", ct.Status)
}
