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

package charts_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

func TestHelmLintIsClean(t *testing.T) {
	lint := action.NewLint()
	lint.Strict = true
	lint.Namespace = testNamespace
	for name, vals := range map[string]map[string]any{
		"connect":     goodValues(),
		"local agent": withValues(map[string]any{"deployment": map[string]any{"enabled": false}}),
	} {
		t.Run(name, func(t *testing.T) {
			result := lint.Run([]string{"kubearc-agent"}, vals)
			for _, msg := range result.Messages {
				t.Logf("lint: %s", msg)
			}
			if result.TotalChartsLinted != 1 || action.HasWarningsOrErrors(result) {
				t.Errorf("helm lint found problems: %v", result.Errors)
			}
		})
	}
}

func TestSchemaRejectsBadValues(t *testing.T) {
	tests := []struct {
		name string
		vals map[string]any
		want []string // substrings a user needs to see in the error
	}{
		{name: "no hub.url", vals: map[string]any{"cluster": map[string]any{"resourceID": testResourceID}},
			want: []string{"values don't meet the specifications of the schema", "at '/hub/url': minLength: got 0, want 1"}},
		{name: "empty hub.url", vals: map[string]any{"hub": map[string]any{"url": ""}, "cluster": map[string]any{"resourceID": testResourceID}},
			want: []string{"/hub/url"}},
		{name: "http hub.url", vals: withValues(map[string]any{"hub": map[string]any{"url": "http://hub.example.com"}}),
			want: []string{"/hub/url", "does not match pattern"}},
		{name: "http hub.additionalURLs", vals: withValues(map[string]any{"hub": map[string]any{"additionalURLs": []any{"http://hub-1.example.com"}}}),
			want: []string{"/hub/additionalURLs/0", "does not match pattern"}},
		{name: "hub.url with a password", vals: withValues(map[string]any{"hub": map[string]any{"url": "https://agent:secret@hub.example.com"}}),
			want: []string{"/hub/url", "does not match pattern"}},
		{name: "hub.additionalURLs with a user", vals: withValues(map[string]any{"hub": map[string]any{"additionalURLs": []any{"https://agent@hub-1.example.com"}}}),
			want: []string{"/hub/additionalURLs/0", "does not match pattern"}},
		{name: "no cluster.resourceID", vals: map[string]any{"hub": map[string]any{"url": testHubURL}},
			want: []string{"at '/cluster/resourceID': minLength: got 0, want 1"}},
		{name: "resourceID not an ARM ID", vals: withValues(map[string]any{"cluster": map[string]any{"resourceID": "store-042"}}),
			want: []string{"/cluster/resourceID", "does not match pattern"}},
		{name: "unknown pullPolicy", vals: withValues(map[string]any{"image": map[string]any{"pullPolicy": "Sometimes"}}),
			want: []string{"/image/pullPolicy", "Always", "IfNotPresent", "Never"}},
		{name: "replicas as a string", vals: withValues(map[string]any{"replicas": "2"}),
			want: []string{"/replicas", "want integer"}},
		{name: "misspelt key", vals: withValues(map[string]any{"heartbeatIntreval": "30s"}),
			want: []string{"additional properties 'heartbeatIntreval' not allowed"}},
		{name: "heartbeat not a duration", vals: withValues(map[string]any{"heartbeatInterval": "30"}),
			want: []string{"/heartbeatInterval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render(tt.vals)
			if err == nil {
				t.Fatal("the chart rendered; want a schema error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestProxySettingsWithoutAProxyAreAnError(t *testing.T) {
	for name, proxy := range map[string]map[string]any{
		"caPEM":   {"caPEM": testCAPEM},
		"noProxy": {"noProxy": []any{".svc"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := render(withValues(map[string]any{"proxy": proxy}))
			if err == nil || !strings.Contains(err.Error(), "set proxy.httpsProxy") {
				t.Errorf("error = %v, want one that says to set proxy.httpsProxy", err)
			}
		})
	}
}

// generatedRoles reads config/rbac/role.yaml, which controller-gen writes from the
// +kubebuilder:rbac markers.
func generatedRoles(t *testing.T) (cluster, namespaced []rbacv1.PolicyRule) {
	t.Helper()
	data, err := os.ReadFile("../config/rbac/role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var role struct {
			Kind  string              `json:"kind"`
			Rules []rbacv1.PolicyRule `json:"rules"`
		}
		if err := yaml.Unmarshal([]byte(doc), &role); err != nil {
			t.Fatal(err)
		}
		switch role.Kind {
		case "ClusterRole":
			cluster = role.Rules
		case "Role":
			namespaced = role.Rules
		}
	}
	if cluster == nil || namespaced == nil {
		t.Fatal("config/rbac/role.yaml lacks the ClusterRole or the Role")
	}
	return cluster, namespaced
}

func TestRBACIsExactlyTheGeneratedRules(t *testing.T) {
	wantCluster, wantNamespaced := generatedRoles(t)
	r := mustRender(t, goodValues())

	var clusterRole rbacv1.ClusterRole
	r.into(t, "ClusterRole", "kubearc-agent", &clusterRole)
	if !reflect.DeepEqual(clusterRole.Rules, wantCluster) {
		t.Errorf("ClusterRole rules =\n%+v\nwant (config/rbac/role.yaml)\n%+v", clusterRole.Rules, wantCluster)
	}
	var role rbacv1.Role
	r.into(t, "Role", "kubearc-agent", &role)
	if role.Namespace != testNamespace || !reflect.DeepEqual(role.Rules, wantNamespaced) {
		t.Errorf("Role in %q rules =\n%+v\nwant in %s (config/rbac/role.yaml)\n%+v", role.Namespace, role.Rules, testNamespace, wantNamespaced)
	}
}
