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

package arcctl_test

import (
	"path/filepath"
	"testing"
)

// TestFeaturesFlagsAreCheckedBeforeTheCluster: bad --features are refused, naming the flag
// and the known features, before arcctl reaches the hub or the cluster.
func TestFeaturesFlagsAreCheckedBeforeTheCluster(t *testing.T) {
	h := startHub(t)
	h.startClusterWithAgent()
	u := newUser(t)
	u.login(h, h.AdminToken)
	missing := filepath.Join(t.TempDir(), "no-kubeconfig")
	for _, verb := range []string{"enable-features", "disable-features"} {
		run := func(extra ...string) result {
			return u.run(append([]string{"connectedk8s", verb, "-n", "store-042", "-g", testGroup, "--kubeconfig", missing}, extra...)...)
		}
		wantFailure(t, run("--features", "cluster-connect", "gitops"), `--features: unknown feature "gitops"`, "cluster-connect", "custom-locations")
		wantFailure(t, run(), `"features" not set`)
	}
}
