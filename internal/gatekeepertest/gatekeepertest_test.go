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

package gatekeepertest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubearc/kubearc/internal/gatekeepertest"
	"github.com/kubearc/kubearc/internal/localcluster"
)

const (
	// wait bounds every wait for Gatekeeper; each takes well under the audit interval or two.
	wait = time.Minute
	// requiredLabelsRego is the usual K8sRequiredLabels policy.
	requiredLabelsRego = `package k8srequiredlabels

violation[{"msg": msg, "details": {"missing_labels": missing}}] {
  provided := {label | input.review.object.metadata.labels[label]}
  required := {label | label := input.parameters.labels[_]}
  missing := required - provided
  count(missing) > 0
  msg := sprintf("you must provide labels: %v", [missing])
}
`
	deniedMessage = `you must provide labels: {"owner"}`
)

// TestGatekeeper runs the real Gatekeeper against envtest: a ConstraintTemplate is created
// and compiled, a deny constraint makes the API server refuse a namespace without the label,
// in dryrun the audit reports every violating namespace (more than Gatekeeper's default limit
// of 20) in the constraint's status, and a template with broken Rego shows the compile error.
func TestGatekeeper(t *testing.T) {
	env, cfg, err := localcluster.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	start := time.Now()
	gk := gatekeepertest.Start(t, cfg, gatekeepertest.Options{AuditInterval: 2 * time.Second})
	t.Logf("Gatekeeper ready and called by the API server in %s", time.Since(start).Round(time.Millisecond))

	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, templatesv1.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	// Gatekeeper creates the constraint CRD, and the template compiles.
	if err := c.Create(ctx, requiredLabelsTemplate("K8sRequiredLabels", requiredLabelsRego)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the constraint CRD to be established", func() error {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := c.Get(ctx, types.NamespacedName{Name: "k8srequiredlabels.constraints.gatekeeper.sh"}, &crd); err != nil {
			return err
		}
		for _, cond := range crd.Status.Conditions {
			if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
				return nil
			}
		}
		return errors.New("not established")
	})

	eventually(t, "the template to be created", func() error {
		var ct templatesv1.ConstraintTemplate
		if err := c.Get(ctx, types.NamespacedName{Name: "k8srequiredlabels"}, &ct); err != nil {
			return err
		}
		if !ct.Status.Created {
			return fmt.Errorf("status: %+v", ct.Status)
		}
		return nil
	})
	// deny: the API server refuses a namespace without the label, with the Rego message.
	constraint := requiredLabelsConstraint("deny")
	if err := c.Create(ctx, constraint); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the constraint to be enforced", func() error { return enforced(t, c, gk.PodName) })
	err = c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "no-owner"}})
	if err == nil || !strings.Contains(err.Error(), deniedMessage) {
		t.Fatalf("creating a namespace without the owner label: got %v, want a denial with %q", err, deniedMessage)
	}
	t.Logf("denied: %v", err)
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "with-owner", Labels: map[string]string{"owner": "me"}}}); err != nil {
		t.Fatalf("creating a namespace with the owner label: %v", err)
	}

	// dryrun: violating namespaces are admitted, and the audit lists every one of them, past
	// Gatekeeper's default limit of 20.
	patch := []byte(`{"spec":{"enforcementAction":"dryrun"}}`)
	if err := c.Patch(ctx, requiredLabelsConstraint(""), client.RawPatch(types.MergePatchType, patch)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the dryrun constraint to be enforced", func() error { return enforced(t, c, gk.PodName) })
	created := time.Now().Truncate(time.Second)
	unlabelled := make([]string, 0, 25)
	for i := range 25 {
		name := fmt.Sprintf("unlabelled-%02d", i)
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
			t.Fatalf("creating namespace %s under a dryrun constraint: %v", name, err)
		}
		unlabelled = append(unlabelled, name)
	}
	eventually(t, "the audit to report every unlabelled namespace", func() error {
		return audited(t, c, created, unlabelled)
	})

	// A template whose Rego does not compile shows the error in status.byPod.
	if err := c.Create(ctx, requiredLabelsTemplate("K8sBroken", "package k8sbroken\n\nviolation[{\"msg\": msg}] {\n  msg := \n}\n")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the broken template to show its compile error", func() error {
		var ct templatesv1.ConstraintTemplate
		if err := c.Get(ctx, types.NamespacedName{Name: "k8sbroken"}, &ct); err != nil {
			return err
		}
		for _, pod := range ct.Status.ByPod {
			if pod.ID == gk.PodName && len(pod.Errors) > 0 {
				t.Logf("compile error: %+v", pod.Errors)
				if !strings.Contains(pod.Errors[0].Message, "rego_parse_error") {
					t.Errorf("status.byPod[].errors = %+v, want a rego_parse_error", pod.Errors)
				}
				return nil
			}
		}
		return fmt.Errorf("status: %+v", ct.Status)
	})
}

func requiredLabelsTemplate(kind, rego string) *templatesv1.ConstraintTemplate {
	return &templatesv1.ConstraintTemplate{
		ObjectMeta: metav1.ObjectMeta{Name: strings.ToLower(kind)},
		Spec: templatesv1.ConstraintTemplateSpec{
			CRD: templatesv1.CRD{Spec: templatesv1.CRDSpec{
				Names: templatesv1.Names{Kind: kind},
				Validation: &templatesv1.Validation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object",
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						"labels": {Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{
							Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"},
						}},
					},
				}},
			}},
			Targets: []templatesv1.Target{{Target: "admission.k8s.gatekeeper.sh", Rego: rego}},
		},
	}
}

// requiredLabelsConstraint requires the owner label on namespaces; action "" leaves
// spec.enforcementAction out (for patches).
func requiredLabelsConstraint(action string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "constraints.gatekeeper.sh/v1beta1",
		"kind":       "K8sRequiredLabels",
		"metadata":   map[string]any{"name": "namespaces-have-owner"},
		"spec": map[string]any{
			"match":      map[string]any{"kinds": []any{map[string]any{"apiGroups": []any{""}, "kinds": []any{"Namespace"}}}},
			"parameters": map[string]any{"labels": []any{"owner"}},
		},
	}}
	if action != "" {
		_ = unstructured.SetNestedField(u.Object, action, "spec", "enforcementAction")
	}
	return u
}

// enforced checks that the manager reports the constraint's current generation as enforced.
func enforced(t *testing.T, c client.Client, pod string) error {
	u := requiredLabelsConstraint("")
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(u), u); err != nil {
		return err
	}
	byPod, _, _ := unstructured.NestedSlice(u.Object, "status", "byPod")
	for _, p := range byPod {
		p, _ := p.(map[string]any)
		gen, _, _ := unstructured.NestedInt64(p, "observedGeneration")
		if p["id"] == pod && p["enforced"] == true && gen == u.GetGeneration() {
			return nil
		}
	}
	return fmt.Errorf("generation %d, status.byPod: %v", u.GetGeneration(), byPod)
}

// audited checks that an audit that started at or after since lists every namespace of want
// in the constraint's status, and that it lists all the violations it counted.
func audited(t *testing.T, c client.Client, since time.Time, want []string) error {
	u := requiredLabelsConstraint("")
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(u), u); err != nil {
		return err
	}
	stamp, _, _ := unstructured.NestedString(u.Object, "status", "auditTimestamp")
	if at, err := time.Parse(time.RFC3339, stamp); err != nil || at.Before(since) {
		return fmt.Errorf("no audit since %s (status.auditTimestamp %q)", since.Format(time.RFC3339), stamp)
	}
	total, _, _ := unstructured.NestedInt64(u.Object, "status", "totalViolations")
	violations, _, _ := unstructured.NestedSlice(u.Object, "status", "violations")
	listed := map[string]bool{}
	for _, v := range violations {
		v, _ := v.(map[string]any)
		if v["kind"] == "Namespace" && v["enforcementAction"] == "dryrun" && v["message"] == deniedMessage {
			listed[fmt.Sprint(v["name"])] = true
		}
	}
	for _, name := range want {
		if !listed[name] {
			return fmt.Errorf("namespace %s is not in status.violations (%d listed, totalViolations %d)", name, len(violations), total)
		}
	}
	if int64(len(violations)) != total {
		t.Errorf("status.violations lists %d of %d violations: the limit was not raised", len(violations), total)
	}
	status, _ := json.Marshal(u.Object["status"])
	t.Logf("the constraint's status lists %d violations in %d bytes", len(violations), len(status))
	return nil
}

// eventually polls fn every 250ms until it returns nil, failing the test with its last error
// after a minute.
func eventually(t *testing.T, what string, fn func() error) {
	t.Helper()
	start := time.Now()
	for {
		err := fn()
		if err == nil {
			t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > wait {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
