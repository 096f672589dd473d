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

package armapi

import "testing"

func TestParseARMPath(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want armTarget
		arm  bool
	}{
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/providers/Microsoft.KubernetesConfiguration/sourceControlConfigurations/x",
			armTarget{namespace: "Microsoft.KubernetesConfiguration", typ: "sourceControlConfigurations", parent: "Microsoft.Kubernetes/connectedClusters"}, true},
		// A resource group called "providers" is a name, not the keyword.
		{"/subscriptions/s/resourceGroups/providers/providers/Microsoft.Foo/bars",
			armTarget{namespace: "Microsoft.Foo", typ: "bars"}, true},
		{"/providers/Microsoft.Kubernetes/operations", armTarget{namespace: "Microsoft.Kubernetes", typ: "operations"}, true},
		{"/providers/Microsoft.Kubernetes", armTarget{namespace: "Microsoft.Kubernetes"}, true},
		{"/subscriptions/s/resourceGroups/g", armTarget{}, true},
		{"/kubearc/v1/tokens", armTarget{}, false},
	} {
		got, arm := parseARMPath(tt.in)
		if got != tt.want || arm != tt.arm {
			t.Errorf("parseARMPath(%q) = %+v %v, want %+v %v", tt.in, got, arm, tt.want, tt.arm)
		}
	}
}
