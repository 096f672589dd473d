//go:build e2e

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

package e2e

import (
	"fmt"
	"testing"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
)

const (
	// samplesType is the catalog's extension type whose chart ships the Widget CRD and the
	// ClusterRole its operator needs on a custom location.
	samplesType = "kubearc.samples"
	// gizmosType declares a resource type too, but no location of the journey lists it.
	gizmosType = "kubearc.gizmos"
	// widgetType is the ARM type samplesType serves on custom locations.
	widgetType = "Microsoft.KubearcSamples/widgets"
	// gizmoType is the ARM type gizmosType serves.
	gizmoType = "Microsoft.KubearcSamples/gizmos"
	// locationName is the journey's custom location, on namespace locationNamespace.
	locationName      = "loc"
	locationNamespace = "widgets"
)

// TestCustomLocationJourney turns the custom-locations feature on with arcctl, installs an
// extension whose chart ships the Widget CRD, makes a namespace of the connected cluster a
// custom location, and manages a Widget on it as an ARM resource: the hub applies it through
// the cluster-connect tunnel as its custom-location identity, and the test plays the Widget's
// operator by writing its status.
func TestCustomLocationJourney(t *testing.T) {
	e := newEnv(t)
	e.serveSamplesCatalog()
	e.up()

	l := &locationRun{}
	steps := []struct {
		name string
		run  func(e *env)
	}{
		{"creating a location before the feature is on is refused with the command that enables it", l.refusedWithoutFeature},
		{"enable-features restarts the agent with custom-locations", l.enableFeature},
		{"the sample extension installs the Widget CRD and its ClusterRole", l.installSamples},
		{"create makes the namespace and binds the extension's ClusterRole to the hub's identity", l.createLocation},
		{"the location lists the widgets type as enabled", l.enabledTypes},
		{"a Widget created with arcctl appears in the namespace, applied by the hub", l.createWidget},
		{"the cluster's RBAC bounds what the hub can do as the identity", l.rbacBoundsTheHub},
		{"the operator's status reaches the hub", l.operatorStatus},
		{"types the location does not serve are refused", l.typesNotServed},
		{"deleting the resource deletes the Widget", l.deleteWidget},
		{"deleting the location removes the binding and keeps the namespace", l.deleteLocation},
	}
	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(e.in(t)) }) {
			return
		}
	}
}

// serveSamplesCatalog serves the widgets chart and writes a hub catalog offering it as
// samplesType, serving widgetType on custom locations, and as gizmosType, serving gizmoType.
func (e *env) serveSamplesCatalog() {
	e.t.Helper()
	url := e.serveCharts(helmtest.WidgetsChart("samples", "0.1.0"))
	entry := func(name, armType, kind, plural string) string {
		return fmt.Sprintf(`  - name: %s
    description: A chart shipping the %s CRD, for the e2e tests.
    defaultScope: cluster
    defaultReleaseNamespace: samples-system
    chart: {repository: %q, name: samples}
    releaseTrains:
      - name: Stable
        versions: ["0.1.0"]
    customLocations:
      clusterRole: %s
      resourceTypes:
        - {type: %s, group: samples.kubearc.io, version: v1alpha1, kind: %s, resource: %s}
`, name, kind, url, helmtest.WidgetsClusterRole, armType, kind, plural)
	}
	e.writeCatalog(entry(samplesType, widgetType, "Widget", "widgets") + entry(gizmosType, gizmoType, "Gizmo", "gizmos"))
}
