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
	"strings"
	"testing"
)

const widgets = "Microsoft.KubearcSamples/widgets"

// TestResourceCommandsAgainstTheHub runs arcctl resource against a hub whose cluster has
// custom locations but no cluster-connect tunnel: what the hub refuses, and a resource
// accepted while the cluster cannot be reached.
func TestResourceCommandsAgainstTheHub(t *testing.T) {
	u := locationHubWithExtensions(t)
	host := clusterPath(testGroup, "store-042")
	for _, loc := range []struct{ name, ext string }{{"apps", "samples"}, {"plainloc", "plain"}} {
		u.mustRun("customlocation", "create", "-n", loc.name, "-g", testGroup, "--host-resource-id", host,
			"--namespace", loc.name, "--cluster-extension-ids", extensionID(loc.ext), "--timeout", "20s")
	}
	put := func(kind, name, location string, extra ...string) result {
		return u.run(append([]string{"resource", "create", "--resource-type", kind, "-n", name, "-g", testGroup,
			"--custom-location", location, "--properties", `{"size": 3}`}, extra...)...)
	}

	for _, tc := range []struct {
		name string
		r    result
		want []string
	}{
		{"a type the location's extensions do not serve", put(widgets, "w1", "plainloc"),
			[]string{"Error: (", "'" + widgets + "' is not enabled on the custom location", "plainloc"}},
		{"an unknown type of a served provider", put("Microsoft.KubearcSamples/gadgets", "g1", "apps"), []string{"(InvalidResourceType)"}},
		{"a provider no extension serves", put("Microsoft.Unknown/widgets", "w1", "apps"), []string{"(NoRegisteredProviderFound)"}},
		{"a custom location that does not exist", put(widgets, "w1", "nowhere"), []string{"nowhere"}},
		{"a name that is no Kubernetes name", put(widgets, "Bad_Name", "apps"), []string{"Bad_Name"}},
		{"properties that are not JSON", put(widgets, "w1", "apps", "--properties", "{size"), []string{"--properties"}},
		{"show of a resource that does not exist", u.run("resource", "show", "--resource-type", widgets, "-n", "none", "-g", testGroup),
			[]string{"none"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFailure(t, tc.r, tc.want...) })
	}
	if r := u.run("resource", "list", "--resource-type", widgets, "-g", testGroup); r.code != 0 || r.stdout != "" {
		t.Errorf("the refused resources are listed:\n%s", r)
	}

	r := u.run("resource", "delete", "--resource-type", widgets, "-n", "none", "-g", testGroup, "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "does not exist; nothing to delete") {
		t.Errorf("delete of a resource that does not exist:\n%s", r)
	}

	// The fake agent opens no tunnel: the hub accepts the resource and applies it once the
	// cluster connects.
	r = put(widgets, "w1", "apps", "--no-wait")
	if r.code != 0 {
		t.Fatalf("create --no-wait while the cluster has no tunnel:\n%s", r)
	}
	wantLines(t, r.stdout, `^Name:\s+w1$`, `^Custom location:\s+.*/customLocations/apps$`, `^Provisioning state:\s+Creating$`)
	wantLines(t, u.mustRun("resource", "list", "--resource-type", widgets, "-g", testGroup),
		`^NAME\s+RESOURCE GROUP\s+CUSTOM LOCATION\s+STATE$`, `^w1\s+`+testGroup+`\s+apps\s+Creating$`)
	wantFailure(t, u.run("customlocation", "delete", "-n", "apps", "-g", testGroup, "--yes"), "still has 1 resources")
}
