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
	"bytes"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/charts"
)

const testCAPEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n"

func TestAgentLoadsTheChart(t *testing.T) {
	c, err := charts.Agent()
	if err != nil {
		t.Fatal(err)
	}
	if c.Metadata.Name != "kubearc-agent" || c.Metadata.Version != "0.1.0" || c.Metadata.AppVersion != "0.1.0" {
		t.Errorf("metadata = %s %s (app %s), want kubearc-agent 0.1.0 (app 0.1.0)", c.Metadata.Name, c.Metadata.Version, c.Metadata.AppVersion)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("chart does not validate: %v", err)
	}
	crds := c.CRDObjects()
	if len(crds) == 0 || !strings.Contains(string(crds[0].File.Data), "name: arcconnections.arc.kubearc.io") {
		t.Errorf("chart crds/ = %d objects, want the ArcConnection CRD", len(crds))
	}
	if c.Schema == nil {
		t.Error("chart has no values.schema.json")
	}
}

func TestDeploymentRunsTheAgentLockedDown(t *testing.T) {
	r := mustRender(t, goodValues())
	var d appsv1.Deployment
	r.into(t, "Deployment", "kubearc-agent", &d)

	if d.Namespace != testNamespace || ptr.Deref(d.Spec.Replicas, 0) != 1 {
		t.Errorf("namespace %q replicas %d, want %s and 1", d.Namespace, ptr.Deref(d.Spec.Replicas, 0), testNamespace)
	}
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != "kubearc-agent" {
		t.Errorf("serviceAccountName = %q", pod.ServiceAccountName)
	}
	if psc := pod.SecurityContext; psc == nil || !ptr.Deref(psc.RunAsNonRoot, false) || ptr.Deref(psc.RunAsUser, 0) != 65532 ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext = %+v, want non-root 65532 with RuntimeDefault seccomp", psc)
	}
	if ptr.Deref(pod.TerminationGracePeriodSeconds, 0) != 10 {
		t.Errorf("terminationGracePeriodSeconds = %v, want 10", pod.TerminationGracePeriodSeconds)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if c.Image != "ghcr.io/kubearc/kubearc-agent:0.1.0" {
		t.Errorf("image = %q, want the appVersion tag", c.Image)
	}
	for _, arg := range []string{"--namespace=$(POD_NAMESPACE)", "--leader-elect", "--health-probe-bind-address=:8081", "--metrics-bind-address=:8080"} {
		if !slices.Contains(c.Args, arg) {
			t.Errorf("args %v lack %s", c.Args, arg)
		}
	}
	if len(c.Env) != 4 || c.Env[0].Name != "POD_NAMESPACE" || c.Env[0].ValueFrom == nil ||
		c.Env[0].ValueFrom.FieldRef == nil || c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.namespace" {
		t.Errorf("env = %+v, want POD_NAMESPACE from metadata.namespace first", c.Env)
	}
	// The agent upgrades its own Helm release, so it must know which one it is.
	for _, want := range []corev1.EnvVar{{Name: "KUBEARC_RELEASE_NAME", Value: "kubearc-agent"}, {Name: "KUBEARC_RELEASE_NAMESPACE", Value: testNamespace}} {
		if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e == want }) {
			t.Errorf("env = %+v, lacks %s=%s", c.Env, want.Name, want.Value)
		}
	}
	// The Go runtime of the agent (and of kubearc-installer beside it) knows the memory limit.
	if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool {
		return e.Name == "GOMEMLIMIT" && e.ValueFrom != nil && e.ValueFrom.ResourceFieldRef != nil &&
			e.ValueFrom.ResourceFieldRef.Resource == "limits.memory" && e.ValueFrom.ResourceFieldRef.ContainerName == "agent"
	}) {
		t.Errorf("env = %+v, lacks GOMEMLIMIT from the container's limits.memory", c.Env)
	}
	sc := c.SecurityContext
	if sc == nil || !ptr.Deref(sc.ReadOnlyRootFilesystem, false) || ptr.Deref(sc.AllowPrivilegeEscalation, true) ||
		sc.Capabilities == nil || !reflect.DeepEqual(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		t.Errorf("container securityContext = %+v, want read-only root, no escalation, drop ALL", sc)
	}
	wantResources := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	if !reflect.DeepEqual(c.Resources, wantResources) {
		t.Errorf("resources = %+v, want %+v", c.Resources, wantResources)
	}
	assertProbe(t, "liveness", c.LivenessProbe, "/healthz")
	assertProbe(t, "readiness", c.ReadinessProbe, "/readyz")
}

func assertProbe(t *testing.T, name string, p *corev1.Probe, path string) {
	t.Helper()
	if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path || p.HTTPGet.Port.String() != "health" {
		t.Errorf("%s probe = %+v, want GET %s on the health port", name, p, path)
	}
}

func TestValuesReachTheDeployment(t *testing.T) {
	r := mustRender(t, withValues(map[string]any{
		"replicas":     2,
		"image":        map[string]any{"repository": "registry.corp/kubearc-agent", "tag": "v0.2.0", "pullPolicy": "Always"},
		"nodeSelector": map[string]any{"node-role.kubernetes.io/infra": ""},
		"tolerations":  []any{map[string]any{"key": "infra", "operator": "Exists", "effect": "NoSchedule"}},
	}))
	var d appsv1.Deployment
	r.into(t, "Deployment", "kubearc-agent", &d)
	c := d.Spec.Template.Spec.Containers[0]
	if ptr.Deref(d.Spec.Replicas, 0) != 2 || c.Image != "registry.corp/kubearc-agent:v0.2.0" || c.ImagePullPolicy != corev1.PullAlways {
		t.Errorf("replicas %d image %q pull %q, want 2 registry.corp/kubearc-agent:v0.2.0 Always", ptr.Deref(d.Spec.Replicas, 0), c.Image, c.ImagePullPolicy)
	}
	spec := d.Spec.Template.Spec
	if _, ok := spec.NodeSelector["node-role.kubernetes.io/infra"]; !ok || len(spec.Tolerations) != 1 || spec.Tolerations[0].Key != "infra" {
		t.Errorf("nodeSelector %v tolerations %+v, want the infra ones", spec.NodeSelector, spec.Tolerations)
	}
}

func TestArcConnectionFromValues(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]any
		want  arcv1alpha1.ArcConnectionSpec
	}{{
		name: "defaults",
		want: arcv1alpha1.ArcConnectionSpec{
			HubURL: testHubURL, ResourceID: testResourceID,
			AgentKeySecretRef: &arcv1alpha1.SecretReference{Name: "kubearc-agent-key"},
			HeartbeatInterval: &metav1.Duration{Duration: 30 * time.Second},
			AgentUpgrade:      arcv1alpha1.AgentUpgradeSpec{AutoUpgrade: ptr.To(true), ReleaseTrain: "Stable"},
			ClusterConnect:    arcv1alpha1.ClusterConnectSpec{Enabled: true},
		},
	}, {
		name: "everything set",
		extra: map[string]any{
			"hub":               map[string]any{"caPEM": testCAPEM, "additionalURLs": []any{"https://hub-1.example.com:8443", "https://hub-2.example.com:8443"}},
			"heartbeatInterval": "1m",
			"agentUpgrade":      map[string]any{"autoUpgrade": false, "releaseTrain": "Preview"},
			"clusterConnect":    map[string]any{"enabled": false},
			"proxy": map[string]any{
				// []any, not []string: Helm validates the values as JSON-shaped Go values.
				"httpsProxy": "http://proxy.corp.example:3128", "noProxy": []any{"10.0.0.0/8", ".svc"}, "caPEM": testCAPEM,
			},
		},
		want: arcv1alpha1.ArcConnectionSpec{
			HubURL: testHubURL, ResourceID: testResourceID,
			HubURLs:           []string{"https://hub-1.example.com:8443", "https://hub-2.example.com:8443"},
			AgentKeySecretRef: &arcv1alpha1.SecretReference{Name: "kubearc-agent-key"},
			HubCASecretRef:    &arcv1alpha1.SecretReference{Name: "kubearc-hub-ca"},
			HeartbeatInterval: &metav1.Duration{Duration: time.Minute},
			Proxy: &arcv1alpha1.ProxySpec{
				HTTPSProxy: "http://proxy.corp.example:3128", NoProxy: []string{"10.0.0.0/8", ".svc"},
				CASecretRef: &arcv1alpha1.SecretReference{Name: "kubearc-proxy-ca"},
			},
			AgentUpgrade:   arcv1alpha1.AgentUpgradeSpec{AutoUpgrade: ptr.To(false), ReleaseTrain: "Preview"},
			ClusterConnect: arcv1alpha1.ClusterConnectSpec{Enabled: false},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRender(t, withValues(tt.extra))
			var conn arcv1alpha1.ArcConnection
			r.into(t, "ArcConnection", arcv1alpha1.ArcConnectionName, &conn)
			if conn.Namespace != "" {
				t.Errorf("ArcConnection has namespace %q; it is cluster-scoped", conn.Namespace)
			}
			if !reflect.DeepEqual(conn.Spec, tt.want) {
				t.Errorf("spec =\n%+v\nwant\n%+v", conn.Spec, tt.want)
			}
		})
	}
}

// TestExtensionsClusterAdminIsSeparateAndOptional: installing arbitrary extension charts takes
// cluster-admin, granted by its own binding (on by default, as Arc does) that can be withheld.
func TestExtensionsClusterAdminIsSeparateAndOptional(t *testing.T) {
	var b rbacv1.ClusterRoleBinding
	mustRender(t, goodValues()).into(t, "ClusterRoleBinding", "kubearc-agent-extensions", &b)
	if b.RoleRef.Name != "cluster-admin" || len(b.Subjects) != 1 || b.Subjects[0].Name != "kubearc-agent" || b.Subjects[0].Namespace != testNamespace {
		t.Errorf("extensions binding = %+v, want the agent's ServiceAccount bound to cluster-admin", b)
	}
	off := mustRender(t, withValues(map[string]any{"extensions": map[string]any{"clusterAdmin": false}}))
	if off.find("ClusterRoleBinding", "kubearc-agent-extensions") != nil {
		t.Error("extensions.clusterAdmin=false still binds cluster-admin")
	}
}

func TestSecretsOnlyWhenCAsAreGiven(t *testing.T) {
	tests := []struct {
		name      string
		extra     map[string]any
		wantHub   bool
		wantProxy bool
	}{
		{name: "no CAs"},
		{name: "hub CA", extra: map[string]any{"hub": map[string]any{"caPEM": testCAPEM}}, wantHub: true},
		{name: "proxy CA", extra: map[string]any{"proxy": map[string]any{"httpsProxy": "http://proxy:3128", "caPEM": testCAPEM}}, wantProxy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRender(t, withValues(tt.extra))
			for name, want := range map[string]bool{"kubearc-hub-ca": tt.wantHub, "kubearc-proxy-ca": tt.wantProxy} {
				if got := r.find("Secret", name) != nil; got != want {
					t.Errorf("Secret %s rendered = %v, want %v", name, got, want)
				}
				if !want {
					continue
				}
				var s corev1.Secret
				r.into(t, "Secret", name, &s)
				if s.Namespace != testNamespace || string(s.Data["ca.crt"]) != testCAPEM {
					t.Errorf("Secret %s in %q has ca.crt %q, want the PEM in %s", name, s.Namespace, s.Data["ca.crt"], testNamespace)
				}
			}
		})
	}
}

func TestLocalAgentInstallsEverythingButTheDeployment(t *testing.T) {
	r := mustRender(t, withValues(map[string]any{"deployment": map[string]any{"enabled": false}}))
	if r.find("Deployment", "kubearc-agent") != nil {
		t.Error("Deployment rendered with deployment.enabled=false")
	}
	for _, want := range [][2]string{
		{"ServiceAccount", "kubearc-agent"}, {"ClusterRole", "kubearc-agent"}, {"ClusterRoleBinding", "kubearc-agent"},
		{"Role", "kubearc-agent"}, {"RoleBinding", "kubearc-agent"}, {"Role", "kubearc-agent-leader-election"},
		{"RoleBinding", "kubearc-agent-leader-election"}, {"ArcConnection", "default"},
	} {
		if r.find(want[0], want[1]) == nil {
			t.Errorf("no %s %s rendered; got %s", want[0], want[1], r.summary())
		}
	}
	if !strings.Contains(r.notes, "no agent runs in the cluster") {
		t.Errorf("NOTES do not say how to run the agent: %q", r.notes)
	}
}

func TestNoNamespaceInTheChart(t *testing.T) {
	r := mustRender(t, goodValues())
	for _, o := range r.objects {
		if o.GetKind() == "Namespace" {
			t.Errorf("chart renders Namespace %s; arcctl creates the release namespace", o.GetName())
		}
	}
}

func TestChartCRDsAreTheGeneratedOnes(t *testing.T) {
	c, err := charts.Agent()
	if err != nil {
		t.Fatal(err)
	}
	generated, err := filepath.Glob("../config/crd/bases/*.yaml")
	if err != nil || len(generated) == 0 {
		t.Fatalf("no CRDs in config/crd/bases: %v", err)
	}
	inChart := map[string][]byte{}
	for _, crd := range c.CRDObjects() {
		inChart[path.Base(crd.Filename)] = crd.File.Data
	}
	for _, f := range generated {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := inChart[filepath.Base(f)]; !ok || !bytes.Equal(got, want) {
			t.Errorf("chart crds/%s differs from %s or is missing: run make manifests", filepath.Base(f), f)
		}
	}
	if len(inChart) != len(generated) {
		t.Errorf("chart has %d CRDs, config/crd/bases %d: run make manifests", len(inChart), len(generated))
	}
}
