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

package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testCatalog = `
extensionTypes:
  - name: microsoft.flux
    aliases: [flux]
    defaultReleaseNamespace: flux-system
    chart: {repository: https://charts.example/flux, name: flux2}
    releaseTrains:
      - name: Stable
        versions: ["2.16.2", "1.9.0", "2.12.4", {version: "3.0.0", chart: {version: "3.0.0-chart"}}]
      - name: Preview
        versions: ["2.17.0"]
  - name: ns-only
    defaultScope: namespace
    chart: {repository: oci://registry.example/charts, name: nso}
    releaseTrains:
      - name: stable
        versions: ["0.1.0"]
agent:
  chart: {repository: oci://ghcr.io/kubearc/charts, name: kubearc-agent}
  releaseTrains:
    - name: Stable
      versions: ["0.1.0", "0.2.0"]
`

func mustParse(t *testing.T) *Catalog {
	t.Helper()
	c, err := Parse([]byte(testCatalog), "test.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func TestResolve(t *testing.T) {
	c := mustParse(t)
	tests := []struct {
		name, typ, train, pinned, current string
		auto                              bool
		wantVersion, wantChart, wantErr   string
	}{
		{name: "auto on a new extension gets the newest", typ: "microsoft.flux", auto: true, wantVersion: "3.0.0", wantChart: "3.0.0-chart"},
		{name: "alias and case-insensitive train", typ: "FLUX", train: "preview", auto: true, wantVersion: "2.17.0", wantChart: "2.17.0"},
		{name: "auto-upgrade stays in the major", typ: "flux", auto: true, current: "2.12.4", wantVersion: "2.16.2"},
		{name: "auto-upgrade from 1.x stays in 1.x", typ: "flux", auto: true, current: "1.9.0", wantVersion: "1.9.0"},
		{name: "major gone from the train moves to the newest", typ: "flux", auto: true, current: "0.5.0", wantVersion: "3.0.0"},
		{name: "pinned", typ: "flux", pinned: "2.12.4", wantVersion: "2.12.4", wantChart: "2.12.4"},
		{name: "pinned with a v prefix", typ: "flux", pinned: "v2.12.4", wantVersion: "2.12.4"},
		{name: "unknown type lists the valid ones", typ: "nope", wantErr: "Valid extension types are: microsoft.flux, ns-only"},
		{name: "unknown train lists the valid ones", typ: "flux", train: "beta", auto: true, wantErr: "Valid release trains are: Stable, Preview"},
		{name: "unknown pinned version lists the valid ones", typ: "flux", pinned: "2.0.0", wantErr: "Valid versions are: 1.9.0, 2.12.4, 2.16.2, 3.0.0"},
		{name: "pinned without a version", typ: "flux", wantErr: "A version is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, err := c.Type(tt.typ)
			var r Release
			if err == nil {
				r, err = typ.Resolve(tt.train, tt.pinned, tt.auto, tt.current)
			}
			if tt.wantErr != "" {
				var le *LookupError
				if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want a LookupError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Version != tt.wantVersion {
				t.Errorf("version = %s, want %s", r.Version, tt.wantVersion)
			}
			if tt.wantChart != "" && r.Chart.Version != tt.wantChart {
				t.Errorf("chart version = %s, want %s", r.Chart.Version, tt.wantChart)
			}
			if r.Chart.Repository != "https://charts.example/flux" || r.Chart.Name != "flux2" {
				t.Errorf("chart = %+v", r.Chart)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c := mustParse(t)
	ns, _ := c.Type("ns-only")
	flux, _ := c.Type("flux")
	if ns.DefaultScope != "namespace" || flux.DefaultScope != "cluster" || flux.DefaultReleaseNamespace != "flux-system" {
		t.Errorf("scopes: %+v %+v", ns, flux)
	}
	if ns.DefaultReleaseNamespace != "ns-only" {
		t.Errorf("default release namespace = %q, want the type's name", ns.DefaultReleaseNamespace)
	}
	r, err := c.Agent().Resolve("", "", true, "")
	if err != nil || r.Version != "0.2.0" || r.Chart.Repository != "oci://ghcr.io/kubearc/charts" || r.Chart.Name != "kubearc-agent" {
		t.Errorf("agent = %+v %v", r, err)
	}
}

// widgets offers Microsoft.Samples/widgets on custom locations.
const widgets = "{clusterRole: widget-operator, resourceTypes: [{type: Microsoft.Samples/widgets, group: samples.example.com, version: v1alpha1, kind: Widget, resource: widgets}]}"

// typeEntryWith is a valid extension type named name with customLocations cl.
func typeEntryWith(name, cl string) string {
	return "{name: " + name + ", chart: {repository: https://c.example, name: x}, releaseTrains: [{name: S, versions: [1.0.0]}], customLocations: " + cl + "}"
}

// typeWith is the extensionTypes of one type with customLocations cl.
func typeWith(cl string) string { return "extensionTypes: [" + typeEntryWith("x", cl) + "]" }

func TestCustomLocationResourceTypes(t *testing.T) {
	doc := "agent: {chart: {repository: oci://r.example/c, name: a}, releaseTrains: [{name: Stable, versions: [0.1.0]}]}\n" +
		"extensionTypes: [" + typeEntryWith("samples", widgets) + ", " + typeEntryWith("plain", "null") + "]"
	c, err := Parse([]byte(doc), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	typ, rt, ok := c.ResourceType("microsoft.samples/WIDGETS")
	if !ok || typ.Name != "samples" || typ.CustomLocations.ClusterRole != "widget-operator" ||
		*rt != (ResourceType{Type: "Microsoft.Samples/widgets", Group: "samples.example.com", Version: "v1alpha1", Kind: "Widget", Resource: "widgets"}) {
		t.Fatalf("ResourceType = %v, %+v, %v", typ, rt, ok)
	}
	if _, _, ok := c.ResourceType("Microsoft.Samples/gadgets"); ok {
		t.Fatal("a type no extension serves was found")
	}
}

func TestInvalidCatalogs(t *testing.T) {
	agent := "agent: {chart: {repository: oci://r.example/c, name: a}, releaseTrains: [{name: Stable, versions: [0.1.0]}]}\n"
	tests := []struct{ name, doc, want string }{
		{"not YAML", "extensionTypes: [", "test.yaml"},
		{"unknown field", agent + "extras: 1", "unknown field"},
		{"no agent", "extensionTypes: []", "agent section is missing"},
		{"bad version", agent + "extensionTypes: [{name: x, chart: {repository: https://c.example, name: x}, releaseTrains: [{name: Stable, versions: [latest]}]}]",
			"extension type \"x\": release train \"Stable\", version \"latest\": not a semantic version"},
		{"bad repository", agent + "extensionTypes: [{name: x, chart: {repository: ftp://c.example, name: x}, releaseTrains: [{name: Stable, versions: [1.0.0]}]}]",
			"version \"1.0.0\": chart.repository \"ftp://c.example\" must be"},
		{"no chart name", agent + "extensionTypes: [{name: x, chart: {repository: https://c.example}, releaseTrains: [{name: Stable, versions: [1.0.0]}]}]",
			"chart.name is missing"},
		{"no trains", agent + "extensionTypes: [{name: x}]", "extension type \"x\": no release trains"},
		{"duplicate train", agent + "extensionTypes: [{name: x, chart: {repository: https://c.example, name: x}, releaseTrains: [{name: Stable, versions: [1.0.0]}, {name: stable, versions: [1.0.0]}]}]",
			"release train \"stable\" is listed twice"},
		{"duplicate version", agent + "extensionTypes: [{name: x, chart: {repository: https://c.example, name: x}, releaseTrains: [{name: Stable, versions: [1.0.0, v1.0.0]}]}]",
			"listed twice"},
		{"duplicate type name", agent + "extensionTypes: [{name: x, aliases: [y], chart: {repository: https://c.example, name: x}, releaseTrains: [{name: S, versions: [1.0.0]}]}, {name: Y, chart: {repository: https://c.example, name: x}, releaseTrains: [{name: S, versions: [1.0.0]}]}]",
			"used twice"},
		{"bad scope", agent + "extensionTypes: [{name: x, defaultScope: node, chart: {repository: https://c.example, name: x}, releaseTrains: [{name: S, versions: [1.0.0]}]}]",
			"defaultScope \"node\" must be cluster or namespace"},
		{"bad cluster role", agent + typeWith("{clusterRole: 'Not A Role'}"), "customLocations.clusterRole \"Not A Role\""},
		{"bad resource type", agent + typeWith("{clusterRole: r, resourceTypes: [{type: widgets, group: s.example.com, version: v1, kind: Widget, resource: widgets}]}"),
			"must be an ARM resource type"},
		{"bad kind", agent + typeWith("{clusterRole: r, resourceTypes: [{type: A.B/widgets, group: s.example.com, version: v1, kind: widget, resource: widgets}]}"),
			"kind \"widget\" must be a Kubernetes kind"},
		{"core group", agent + typeWith("{clusterRole: r, resourceTypes: [{type: A.B/widgets, group: '', version: v1, kind: Widget, resource: widgets}]}"),
			"must be a custom resource's API group"},
		{"type served twice", agent + "extensionTypes: [" + typeEntryWith("x", widgets) + ", " + typeEntryWith("z", widgets) + "]",
			"Microsoft.Samples/widgets is served by both \"x\" and \"z\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), "test.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "test.yaml") {
				t.Fatalf("error = %v, want one naming test.yaml and containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultCatalog(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatalf("the built-in catalog does not load: %v", err)
	}
	for name, repo := range map[string]string{
		"microsoft.flux": "https://fluxcd-community.github.io/helm-charts",
		"flux":           "https://fluxcd-community.github.io/helm-charts",
		"gatekeeper":     "https://open-policy-agent.github.io/gatekeeper/charts",
		// Azure tooling names the monitoring extension by its Azure Monitor type.
		"Microsoft.AzureMonitor.Containers": "oci://ghcr.io/kubearc/charts",
		"monitoring":                        "oci://ghcr.io/kubearc/charts",
	} {
		typ, err := c.Type(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := typ.Resolve("", "", true, "")
		if err != nil || r.Chart.Repository != repo {
			t.Errorf("%s resolves to %+v %v", name, r, err)
		}
	}
	if r, err := c.Agent().Resolve("", "", true, ""); err != nil || r.Chart.Name != "kubearc-agent" {
		t.Errorf("agent resolves to %+v %v", r, err)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(path, []byte(testCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path + ".missing"); err == nil || !strings.Contains(err.Error(), "catalog.yaml.missing") {
		t.Errorf("missing file: %v", err)
	}
}
