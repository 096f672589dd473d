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
	"encoding/json"
	"strings"
	"testing"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	constraintclient "github.com/open-policy-agent/frameworks/constraint/pkg/client"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/drivers/rego"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/reviews"
	"github.com/open-policy-agent/frameworks/constraint/pkg/types"
	mutationtypes "github.com/open-policy-agent/gatekeeper/v3/pkg/mutation/types"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// TestBuiltinsEnforceWithGatekeeper resolves an assignment of every built-in definition and
// runs what a cluster would get through Gatekeeper's own engine (its constraint framework with
// the Rego driver and Gatekeeper's Kubernetes target): the template compiles, the constraint
// takes the resolved parameters, and it flags the violating Pod only.
func TestBuiltinsEnforceWithGatekeeper(t *testing.T) {
	defs, err := loadBuiltins()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		params         string
		bad, good      string
		wantMsgContain string
	}{
		"febd0533-8e55-448f-b837-bd0e06f16469": {
			params: `{"allowedContainerImagesRegex": {"value": "^registry\\.example\\.com/.+$"}}`,
			bad:    `{"containers": [{"name": "web", "image": "docker.io/nginx:1.27"}]}`,
			good:   `{"containers": [{"name": "web", "image": "registry.example.com/nginx:1.27"}]}`, wantMsgContain: "docker.io/nginx",
		},
		"95edb821-ddaf-4404-9732-666045e056b4": {
			params: `{}`,
			bad:    `{"containers": [{"name": "web", "image": "nginx", "securityContext": {"privileged": true}}]}`,
			good:   `{"containers": [{"name": "web", "image": "nginx", "securityContext": {"privileged": false}}]}`, wantMsgContain: "Privileged container web",
		},
		"46592696-4c7b-4bf3-9e45-6c2763bdc0a6": {
			params: `{"labelsList": {"value": ["team"]}, "effect": {"value": "audit"}}`,
			bad:    `{"containers": [{"name": "web", "image": "nginx"}]}`,
			good:   `{"containers": [{"name": "web", "image": "nginx"}]}`, wantMsgContain: "team",
		},
		"e345eecc-fa47-480f-9e88-67dcc122b164": {
			params: `{"cpuLimit": {"value": "500m"}, "memoryLimit": {"value": "1Gi"}}`,
			bad:    `{"containers": [{"name": "web", "image": "nginx", "resources": {"limits": {"cpu": "2", "memory": "512Mi"}}}]}`,
			good:   `{"containers": [{"name": "web", "image": "nginx", "resources": {"limits": {"cpu": "250m", "memory": "1Gi"}}}]}`, wantMsgContain: "cpu limit 2",
		},
		"098fc59e-46c7-4d99-9b16-64990e543d75": {
			params: `{"allowedHostPaths": {"value": {"paths": [{"pathPrefix": "/var/log", "readOnly": true}]}}}`,
			bad: `{"volumes": [{"name": "logs", "hostPath": {"path": "/var/log/app"}}],
				"containers": [{"name": "web", "image": "nginx", "volumeMounts": [{"name": "logs", "mountPath": "/logs"}]}]}`,
			good: `{"volumes": [{"name": "logs", "hostPath": {"path": "/var/log/app"}}],
				"containers": [{"name": "web", "image": "nginx", "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": true}]}]}`,
			wantMsgContain: "hostPath volume logs",
		},
	}
	if len(defs) != len(cases) {
		t.Fatalf("%d built-in definitions, want %d", len(defs), len(cases))
	}
	for _, def := range defs {
		name := def.ID[strings.LastIndex(def.ID, "/")+1:]
		tc, ok := cases[name]
		if !ok {
			t.Fatalf("no test case for the built-in %s", def.ID)
		}
		t.Run(name, func(t *testing.T) {
			spec := resolveBuiltin(t, def, tc.params)
			labels := map[string]any{"team": "shop"}
			if name == "46592696-4c7b-4bf3-9e45-6c2763bdc0a6" {
				labels = map[string]any{}
			}
			engine := newEngine(t, spec)
			bad := engine.review(t, pod(t, "bad", labels, tc.bad))
			if len(bad) == 0 {
				t.Fatal("Gatekeeper found no violation in the bad Pod")
			}
			for _, r := range bad {
				if !strings.Contains(r.Msg, tc.wantMsgContain) || r.EnforcementAction != spec.EnforcementAction {
					t.Errorf("violation %q (%s), want one containing %q (%s)", r.Msg, r.EnforcementAction, tc.wantMsgContain, spec.EnforcementAction)
				}
			}
			if good := engine.review(t, pod(t, "good", map[string]any{"team": "shop"}, tc.good)); len(good) != 0 {
				t.Errorf("Gatekeeper found violations in the good Pod: %v", good[0].Msg)
			}
		})
	}
}

// resolveBuiltin resolves an assignment of def with the parameters params (ARM JSON).
func resolveBuiltin(t *testing.T, def *Definition, params string) *protocol.PolicySyncSpec {
	t.Helper()
	a := &Assignment{ID: "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a"}
	if err := json.Unmarshal([]byte(params), &a.Properties.Parameters); err != nil {
		t.Fatal(err)
	}
	spec, err := Resolve(def, a)
	if err != nil || spec == nil {
		t.Fatalf("Resolve = %v, %v", spec, err)
	}
	return spec
}

// enforcementPoint is where the engine's reviews come from, as Gatekeeper's audit.
const enforcementPoint = "audit.gatekeeper.sh"

// engine is Gatekeeper's constraint framework with one template and its constraint.
type engine struct {
	client *constraintclient.Client
}

// newEngine adds the spec's template and constraint to a new engine.
func newEngine(t *testing.T, spec *protocol.PolicySyncSpec) *engine {
	t.Helper()
	driver, err := rego.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := constraintclient.NewClient(constraintclient.Targets(&target.K8sValidationTarget{}),
		constraintclient.Driver(driver), constraintclient.EnforcementPoints(enforcementPoint))
	if err != nil {
		t.Fatal(err)
	}
	var ct templatesv1.ConstraintTemplate
	if err := yaml.Unmarshal([]byte(spec.Template), &ct); err != nil {
		t.Fatal(err)
	}
	versionless, err := ct.ToVersionless()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddTemplate(t.Context(), versionless); err != nil {
		t.Fatalf("Gatekeeper refuses the template: %v", err)
	}
	if _, err := c.AddConstraint(t.Context(), constraint(t, spec, ct.Spec.CRD.Spec.Names.Kind)); err != nil {
		t.Fatalf("Gatekeeper refuses the constraint: %v", err)
	}
	return &engine{client: c}
}

// review returns what the engine finds wrong with obj.
func (e *engine) review(t *testing.T, obj *unstructured.Unstructured) []*types.Result {
	t.Helper()
	resp, err := e.client.Review(t.Context(), target.AugmentedUnstructured{Object: *obj, Source: mutationtypes.SourceTypeOriginal},
		reviews.EnforcementPoint(enforcementPoint))
	if err != nil {
		t.Fatalf("review: %v", err)
	}
	return resp.Results()
}

// constraint is the spec's constraint of kind, as the agent makes it.
func constraint(t *testing.T, spec *protocol.PolicySyncSpec, kind string) *unstructured.Unstructured {
	t.Helper()
	raw, err := json.Marshal(map[string]any{
		"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": kind,
		"metadata": map[string]any{"name": protocol.PolicySyncName(spec.AssignmentID)},
		"spec":     map[string]any{"enforcementAction": spec.EnforcementAction, "match": spec.Match, "parameters": spec.Parameters},
	})
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(raw))
}

// pod is a Pod in the default namespace with labels and spec (JSON).
func pod(t *testing.T, name string, labels map[string]any, spec string) *unstructured.Unstructured {
	t.Helper()
	meta, _ := json.Marshal(map[string]any{"name": name, "namespace": "default", "labels": labels})
	return decode(t, `{"apiVersion": "v1", "kind": "Pod", "metadata": `+string(meta)+`, "spec": `+spec+`}`)
}

func decode(t *testing.T, raw string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON([]byte(raw)); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return u
}
