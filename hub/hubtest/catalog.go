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

package hubtest

// CustomLocationCatalog is a hub catalog for custom-location tests: kubearc.samples, whose
// operator (ClusterRole samples-operator) serves Microsoft.KubearcSamples/widgets on custom
// locations, and plain, which declares nothing for them.
const CustomLocationCatalog = `
extensionTypes:
  - name: kubearc.samples
    defaultScope: cluster
    defaultReleaseNamespace: samples-system
    chart: {repository: https://charts.example, name: samples}
    releaseTrains:
      - name: Stable
        versions: ["1.0.0"]
    customLocations:
      clusterRole: samples-operator
      resourceTypes:
        - {type: Microsoft.KubearcSamples/widgets, group: samples.kubearc.io, version: v1alpha1, kind: Widget, resource: widgets}
  - name: plain
    defaultScope: cluster
    defaultReleaseNamespace: plain-system
    chart: {repository: https://charts.example, name: plain}
    releaseTrains:
      - name: Stable
        versions: ["1.0.0"]
agent:
  chart: {repository: oci://charts.example/kubearc, name: kubearc-agent}
  releaseTrains:
    - name: Stable
      versions: ["0.1.0"]
`
