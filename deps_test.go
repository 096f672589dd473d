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

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The agent stays small: Helm runs in kubearc-installer, started for each action
// (docs/benchmarks.md, "Agent memory"). Linking any of these again puts tens of MiB of
// binary back into the idle agent's resident set.
func TestTheAgentDoesNotLinkHelm(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, heavy := range []string{"helm.sh/helm/", "github.com/tetratelabs/wazero", "github.com/extism/", "oras.land/", "k8s.io/kubectl/", "k8s.io/cli-runtime/"} {
			if strings.HasPrefix(pkg, heavy) {
				t.Errorf("the agent links %s: reach Helm through internal/helm/installer, not internal/helm", pkg)
			}
		}
	}
}
