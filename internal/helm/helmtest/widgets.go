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

package helmtest

import (
	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
)

// WidgetsClusterRole is the ClusterRole WidgetsChart ships: what an operator of widgets needs
// the custom-location identity to hold in a location's namespace.
const WidgetsClusterRole = "kubearc-samples-widgets"

// widgetsCRD is the CustomResourceDefinition of widgets.samples.kubearc.io: namespaced, with
// a status subresource, and spec and status free-form.
const widgetsCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.samples.kubearc.io
spec:
  group: samples.kubearc.io
  scope: Namespaced
  names:
    kind: Widget
    listKind: WidgetList
    plural: widgets
    singular: widget
  versions:
    - name: v1alpha1
      served: true
      storage: true
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`

// widgetsClusterRole grants what the hub applies on a location: widgets, and reading their
// status.
const widgetsClusterRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ` + WidgetsClusterRole + `
rules:
  - apiGroups: [samples.kubearc.io]
    resources: [widgets]
    verbs: [get, list, watch, create, update, patch, delete]
  - apiGroups: [samples.kubearc.io]
    resources: [widgets/status]
    verbs: [get]
`

// WidgetsChart is the chart of a sample operator serving widgets on custom locations: it
// ships the CRD widgets.samples.kubearc.io (group samples.kubearc.io, version v1alpha1, kind
// Widget) in crds/ and renders the ClusterRole WidgetsClusterRole. It runs no operator: a
// test plays it by writing the Widgets' status.
func WidgetsChart(name, version string) *chartv2.Chart {
	return &chartv2.Chart{
		Metadata:  &chartv2.Metadata{APIVersion: chartv2.APIVersionV2, Name: name, Version: version, AppVersion: version, Type: "application"},
		Templates: []*common.File{{Name: "templates/clusterrole.yaml", Data: []byte(widgetsClusterRole)}},
		Files:     []*common.File{{Name: "crds/widgets.yaml", Data: []byte(widgetsCRD)}},
	}
}
