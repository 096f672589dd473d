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

package agent

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// optionalFeatures are the features the agent's --features flag may turn on, named as
// az connectedk8s enable-features names them. Cluster connect is not among them: the
// ArcConnection's spec.clusterConnect.enabled turns the tunnel on and off.
var optionalFeatures = []string{protocol.FeatureCustomLocations}

// ParseFeatures reads the --features flag: a comma-separated list of optional features,
// returned sorted and without duplicates.
func ParseFeatures(value string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(value, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(optionalFeatures, name) {
			return nil, fmt.Errorf("unknown feature %q: the agent's optional features are %s",
				name, strings.Join(optionalFeatures, ", "))
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
