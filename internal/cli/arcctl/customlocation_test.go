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

package arcctl

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

const testHost = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1"

// wantError checks that err contains want, or is nil when want is empty.
func wantError(t *testing.T, name string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%s: error %v, want one containing %q", name, err, want)
	}
}

func TestLocationFlagsTakeSeveralExtensionIDs(t *testing.T) {
	o := &locationOptions{}
	cmd := &cobra.Command{}
	o.addFlags(cmd)
	if err := parseLocationFlags(cmd, strings.Fields("-n apps -g rg --cluster-extension-ids e1 e2 --display-name D --cluster-extension-ids e3")); err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.extensionIDs, ",") != "e1,e2,e3" || o.displayName != "D" {
		t.Errorf("parsed %+v", o)
	}
	wantError(t, "missing -g", parseLocationFlags(&cobra.Command{}, nil), "")
}

func TestCreateBody(t *testing.T) {
	for _, tc := range []struct {
		name    string
		o       locationOptions
		wantErr string
	}{
		{name: "ok", o: locationOptions{hostID: testHost, namespace: "apps", extensionIDs: []string{"e1", " e2 "}, tags: "a=1", displayName: "Apps"}},
		{name: "bad host", o: locationOptions{hostID: "/subscriptions/s1/x", namespace: "apps", extensionIDs: []string{"e1"}}, wantErr: "--host-resource-id"},
		{name: "no extension", o: locationOptions{hostID: testHost, namespace: "apps", extensionIDs: []string{" "}}, wantErr: "--cluster-extension-ids needs"},
		{name: "bad tags", o: locationOptions{hostID: testHost, namespace: "apps", extensionIDs: []string{"e1"}, tags: "nope"}, wantErr: "--tags"},
	} {
		body, host, err := createBody(&tc.o, "")
		wantError(t, tc.name, err, tc.wantErr)
		if err != nil {
			continue
		}
		p := body.Properties
		if host.Name != "c1" || *body.Location != "local" || *p.HostType != "Kubernetes" || *p.Namespace != "apps" ||
			len(p.ClusterExtensionIDs) != 2 || *p.ClusterExtensionIDs[1] != "e2" || *p.DisplayName != "Apps" || *body.Tags["a"] != "1" {
			t.Errorf("%s: body %+v, properties %+v", tc.name, body, p)
		}
	}
}

func TestPatchBody(t *testing.T) {
	for _, tc := range []struct {
		args    string
		wantErr string
	}{
		{args: "", wantErr: "nothing to change"},
		{args: "--display-name D"},
		{args: "--tags a=1"},
		{args: "--cluster-extension-ids e1 e2"},
	} {
		o := &locationOptions{}
		cmd := &cobra.Command{}
		o.addFlags(cmd)
		if err := parseLocationFlags(cmd, append(strings.Fields("-n apps -g rg"), strings.Fields(tc.args)...)); err != nil {
			t.Fatal(err)
		}
		_, err := patchBody(cmd, o)
		wantError(t, tc.args, err, tc.wantErr)
	}
}

func TestFeatureChange(t *testing.T) {
	for _, tc := range []struct {
		features []string
		on       bool
		want     string
		wantErr  string
	}{
		{features: []string{"custom-locations"}, on: true, want: "map[features:map[customLocations:true]]"},
		{features: []string{"cluster-connect", "custom-locations"}, on: false, want: "map[clusterConnect:map[enabled:false] features:map[customLocations:false]]"},
		{features: []string{"azure-rbac"}, wantErr: `--features: unknown feature "azure-rbac"`},
		{features: nil, wantErr: "--features needs at least one"},
	} {
		values, err := featureChange(tc.features, tc.on)
		wantError(t, strings.Join(tc.features, " "), err, tc.wantErr)
		if err == nil && fmtValue(values) != tc.want {
			t.Errorf("%v: values %v, want %s", tc.features, values, tc.want)
		}
	}
}
