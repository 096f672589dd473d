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
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	release "helm.sh/helm/v4/pkg/release/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/charts"
)

// testNamespace is the release namespace of the tests, as arcctl uses it.
const testNamespace = "kubearc-system"

// testHubURL and testResourceID are the values arcctl would pass.
const (
	testHubURL     = "https://hub.example.com:8443"
	testResourceID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/edge/providers/Microsoft.Kubernetes/connectedClusters/store-042"
)

// goodValues are the values arcctl connectedk8s connect passes, before any option.
func goodValues() map[string]any {
	return map[string]any{
		"hub":     map[string]any{"url": testHubURL},
		"cluster": map[string]any{"resourceID": testResourceID},
	}
}

// withValues returns goodValues with the top-level keys of extra merged in (one level deep).
func withValues(extra map[string]any) map[string]any {
	vals := goodValues()
	for k, v := range extra {
		if m, ok := v.(map[string]any); ok {
			if base, ok := vals[k].(map[string]any); ok {
				for kk, vv := range m {
					base[kk] = vv
				}
				continue
			}
		}
		vals[k] = v
	}
	return vals
}

// rendered is what helm install would send to the API server.
type rendered struct {
	objects []*unstructured.Unstructured
	notes   string
}

// find returns the rendered object of that kind and name, or nil.
func (r rendered) find(kind, name string) *unstructured.Unstructured {
	for _, o := range r.objects {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

// into converts the rendered object of that kind and name into a typed object.
func (r rendered) into(t *testing.T, kind, name string, out any) {
	t.Helper()
	o := r.find(kind, name)
	if o == nil {
		t.Fatalf("no %s %q rendered; got %s", kind, name, r.summary())
	}
	data, err := yaml.Marshal(o.Object)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, out); err != nil {
		t.Fatalf("rendered %s %q does not decode strictly: %v", kind, name, err)
	}
}

func (r rendered) summary() string {
	var b bytes.Buffer
	for _, o := range r.objects {
		fmt.Fprintf(&b, "%s/%s ", o.GetKind(), o.GetName())
	}
	return b.String()
}

// render runs a client-only helm install --dry-run of the embedded chart, as helm template
// does, and decodes the manifest.
func render(vals map[string]any) (rendered, error) {
	chrt, err := charts.Agent()
	if err != nil {
		return rendered{}, err
	}
	return renderChart(chrt, "kubearc-agent", testNamespace, vals)
}

// renderChart renders chrt as the release name in namespace, as render does.
func renderChart(chrt *chartv2.Chart, name, namespace string, vals map[string]any) (rendered, error) {
	install := action.NewInstall(action.NewConfiguration())
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = name
	install.Namespace = namespace
	rel, err := install.Run(chrt, vals)
	if err != nil {
		return rendered{}, err
	}
	r, ok := rel.(*release.Release)
	if !ok {
		return rendered{}, fmt.Errorf("unexpected release type %T", rel)
	}
	objects, err := decode(r.Manifest)
	return rendered{objects: objects, notes: r.Info.Notes}, err
}

// decode splits a multi-document YAML manifest into objects.
func decode(manifest string) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewBufferString(manifest), 4096)
	var objects []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return objects, nil
			}
			return nil, fmt.Errorf("decoding the manifest: %w", err)
		}
		if len(u.Object) > 0 {
			objects = append(objects, u)
		}
	}
}

// mustRender renders the chart and fails the test on an error.
func mustRender(t *testing.T, vals map[string]any) rendered {
	t.Helper()
	r, err := render(vals)
	if err != nil {
		t.Fatalf("rendering the chart: %v", err)
	}
	return r
}
