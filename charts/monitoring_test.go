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
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/otelcoltest"
)

// monitoringChart is the workload monitoring extension's chart directory.
const monitoringChart = "kubearc-monitoring"

const (
	testWorkspaceURL = "https://workspace.example.com:4318"
	testWorkspaceRID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/shared"
	tokenCanary      = "monitoring-canary-3b8e1d"
)

// monitoringSettings are an extension's settings and protected settings, turned into values
// as the agent does.
func monitoringSettings(t *testing.T, settings map[string]string) map[string]any {
	t.Helper()
	all := map[string]string{"workspace.otlpEndpoint": testWorkspaceURL}
	for k, v := range settings {
		all[k] = v
	}
	vals, err := helm.Values(all, map[string]string{"workspace.bearerToken": tokenCanary})
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func renderMonitoring(vals map[string]any) (rendered, error) {
	chrt, err := loader.Load(monitoringChart)
	if err != nil {
		return rendered{}, err
	}
	return renderChart(chrt, "monitoring", "kubearc-monitoring", vals)
}

func mustRenderMonitoring(t *testing.T, vals map[string]any) rendered {
	t.Helper()
	r, err := renderMonitoring(vals)
	if err != nil {
		t.Fatalf("rendering the monitoring chart: %v", err)
	}
	return r
}

// collectorConfig is the parsed config.yaml of a rendered collector ConfigMap.
type collectorConfig struct {
	raw  string
	tree map[string]any
}

func configOf(t *testing.T, r rendered, name string) collectorConfig {
	t.Helper()
	var cm corev1.ConfigMap
	r.into(t, "ConfigMap", name, &cm)
	c := collectorConfig{raw: cm.Data["config.yaml"]}
	if err := yaml.Unmarshal([]byte(c.raw), &c.tree); err != nil {
		t.Fatalf("ConfigMap %s: config.yaml is not YAML: %v\n%s", name, err, c.raw)
	}
	return c
}

// at returns the value at the dotted path of keys ("receivers", "filelog", "include").
func (c collectorConfig) at(keys ...string) any {
	var v any = c.tree
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestMonitoringConfigFollowsTheSettings(t *testing.T) {
	r := mustRenderMonitoring(t, monitoringSettings(t, map[string]string{
		"namespaces.exclude":                 "kube-system, noisy",
		"collectionInterval":                 "30s",
		"workspace.prometheusRemoteWriteUrl": "https://prom.example.com/api/v1/write",
		"events.enabled":                     "false",
	}))
	c := configOf(t, r, "monitoring")
	for _, tt := range []struct {
		path []string
		want string
	}{
		{[]string{"receivers", "filelog", "include"}, "[/var/log/pods/*_*/*/*.log]"},
		{[]string{"receivers", "filelog", "exclude"}, "[/var/log/pods/kube-system_*/*/*.log /var/log/pods/noisy_*/*/*.log]"},
		{[]string{"receivers", "kubeletstats", "collection_interval"}, "30s"},
		{[]string{"receivers", "kubeletstats", "endpoint"}, "https://${env:K8S_NODE_IP}:10250"},
		{[]string{"receivers", "kubeletstats", "auth_type"}, "serviceAccount"},
		{[]string{"exporters", "otlphttp/workspace", "endpoint"}, testWorkspaceURL},
		{[]string{"exporters", "prometheusremotewrite/workspace", "endpoint"}, "https://prom.example.com/api/v1/write"},
		{[]string{"extensions", "bearertokenauth/workspace", "filename"}, "/etc/kubearc-monitoring/workspace/bearerToken"},
		{[]string{"service", "pipelines", "metrics", "exporters"}, "[otlphttp/workspace prometheusremotewrite/workspace]"},
		{[]string{"processors", "filter/namespaces", "metrics", "metric"}, `[resource.attributes["k8s.namespace.name"] == "kube-system" resource.attributes["k8s.namespace.name"] == "noisy"]`},
	} {
		if got := strings.TrimSpace(strings.Trim(yamlString(c.at(tt.path...)), "\n")); got != tt.want {
			t.Errorf("%s = %s, want %s", strings.Join(tt.path, "."), got, tt.want)
		}
	}
	if r.find("Deployment", "monitoring-events") != nil || r.find("ConfigMap", "monitoring-events") != nil {
		t.Error("events.enabled=false still renders the events collector")
	}
}

// yamlString prints a config value compactly: scalars as they are, lists as [a b].
func yamlString(v any) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = yamlString(p)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case nil:
		return "<missing>"
	default:
		b, _ := yaml.Marshal(v)
		return strings.TrimSpace(string(b))
	}
}

func TestMonitoringIncludeListSelectsLogFilesAndMetrics(t *testing.T) {
	r := mustRenderMonitoring(t, monitoringSettings(t, map[string]string{"namespaces.include": "shop,billing", "namespaces.exclude": ""}))
	c := configOf(t, r, "monitoring")
	if got := yamlString(c.at("receivers", "filelog", "include")); got != "[/var/log/pods/shop_*/*/*.log /var/log/pods/billing_*/*/*.log]" {
		t.Errorf("filelog include = %s", got)
	}
	if got := c.at("receivers", "filelog", "exclude"); got != nil {
		t.Errorf("filelog exclude = %v, want none with an empty exclude list", got)
	}
	if got := yamlString(c.at("processors", "filter/namespaces", "metrics", "metric")); !strings.Contains(got, `"^(shop|billing)$"`) {
		t.Errorf("the metrics filter does not keep only shop and billing: %s", got)
	}
	events := configOf(t, r, "monitoring-events")
	objects, _ := events.at("receivers", "k8sobjects", "objects").([]any)
	if len(objects) != 1 || yamlString(collectorConfig{tree: objects[0].(map[string]any)}.at("namespaces")) != "[shop billing]" {
		t.Errorf("the events receiver does not watch only shop and billing: %v", objects)
	}
}

func TestMonitoringTokenIsOnlyInTheSecret(t *testing.T) {
	r := mustRenderMonitoring(t, monitoringSettings(t, nil))
	for _, o := range r.objects {
		data, err := yaml.Marshal(o.Object)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), tokenCanary) {
			t.Errorf("%s %s shows the bearer token in clear", o.GetKind(), o.GetName())
		}
	}
	var secret corev1.Secret
	r.into(t, "Secret", "monitoring-workspace", &secret)
	if string(secret.Data["bearerToken"]) != tokenCanary {
		t.Errorf("the Secret's bearerToken is not the protected setting")
	}
	var ds appsv1.DaemonSet
	r.into(t, "DaemonSet", "monitoring", &ds)
	assertMounted(t, ds.Spec.Template.Spec, "monitoring-workspace", "/etc/kubearc-monitoring/workspace")
}

func assertMounted(t *testing.T, pod corev1.PodSpec, secret, path string) {
	t.Helper()
	for _, v := range pod.Volumes {
		if v.Secret == nil || v.Secret.SecretName != secret {
			continue
		}
		for _, m := range pod.Containers[0].VolumeMounts {
			if m.Name == v.Name && m.MountPath == path && m.ReadOnly {
				return
			}
		}
	}
	t.Errorf("Secret %s is not mounted read-only at %s", secret, path)
}

func TestMonitoringCollectorIsBoundedAndUnprivileged(t *testing.T) {
	r := mustRenderMonitoring(t, monitoringSettings(t, nil))
	var ds appsv1.DaemonSet
	r.into(t, "DaemonSet", "monitoring", &ds)
	pod := ds.Spec.Template.Spec
	ctr := pod.Containers[0]
	if ctr.Image != "otel/opentelemetry-collector-contrib:0.148.0" {
		t.Errorf("image = %s", ctr.Image)
	}
	if ctr.Resources.Limits.Memory().String() != "200Mi" || ctr.Resources.Limits.Cpu().String() != "200m" {
		t.Errorf("limits = %v, want 200Mi and 200m", ctr.Resources.Limits)
	}
	if c := configOf(t, r, "monitoring"); yamlString(c.at("processors", "memory_limiter", "limit_mib")) != "160" {
		t.Errorf("memory_limiter limit_mib = %v, want 160 (under the 200Mi limit)", c.at("processors", "memory_limiter", "limit_mib"))
	}
	if sc := pod.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Error("the collector may run as root")
	}
	if sc := ctr.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("the collector's container is not locked down")
	}
	for _, v := range pod.Volumes {
		if v.HostPath != nil && v.HostPath.Path != "/var/log/pods" {
			t.Errorf("host path %s mounted; only /var/log/pods may be", v.HostPath.Path)
		}
	}
	for _, m := range ctr.VolumeMounts {
		if m.Name == "pod-logs" && !m.ReadOnly {
			t.Error("the pod logs are mounted writable")
		}
	}
}

func TestMonitoringRefusesBadSettings(t *testing.T) {
	tests := []struct {
		name string
		vals map[string]any
		want []string
	}{
		{"no workspace", map[string]any{},
			[]string{"workspace.otlpEndpoint is required", "logAnalyticsWorkspaceResourceID"}},
		{"unresolved workspace resource", map[string]any{"logAnalyticsWorkspaceResourceID": testWorkspaceRID},
			[]string{"workspace.otlpEndpoint is empty", testWorkspaceRID}},
		{"interval without a unit", monitoringSettings(t, map[string]string{"collectionInterval": "60"}),
			[]string{"/collectionInterval", "want string"}},
		{"interval not a duration", monitoringSettings(t, map[string]string{"collectionInterval": "often"}),
			[]string{"/collectionInterval", "does not match pattern"}},
		{"namespace with an underscore", monitoringSettings(t, map[string]string{"namespaces.exclude": "kube_system"}),
			[]string{"/namespaces/exclude"}},
		{"enabled not a bool", monitoringSettings(t, map[string]string{"logs.enabled": "yes"}),
			[]string{"/logs/enabled", "want boolean"}},
		{"unknown kubelet auth", monitoringSettings(t, map[string]string{"metrics.kubelet.authType": "tls"}),
			[]string{"/metrics/kubelet/authType", "serviceAccount"}},
		{"endpoint not a URL", monitoringSettings(t, map[string]string{"workspace.otlpEndpoint": "workspace:4318"}),
			[]string{"/workspace/otlpEndpoint"}},
		{"misspelt key", monitoringSettings(t, map[string]string{"colectionInterval": "30s"}),
			[]string{"additional properties 'colectionInterval' not allowed"}},
		{"nothing to collect", monitoringSettings(t, map[string]string{"logs.enabled": "false", "metrics.enabled": "false", "events.enabled": "false"}),
			[]string{"enable at least one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := renderMonitoring(tt.vals)
			if err == nil {
				t.Fatal("the chart rendered; want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestMonitoringHelmLintIsClean(t *testing.T) {
	lint := action.NewLint()
	lint.Strict = true
	lint.Namespace = "kubearc-monitoring"
	result := lint.Run([]string{monitoringChart}, monitoringSettings(t, nil))
	for _, msg := range result.Messages {
		t.Logf("lint: %s", msg)
	}
	if result.TotalChartsLinted != 1 || action.HasWarningsOrErrors(result) {
		t.Errorf("helm lint found problems: %v", result.Errors)
	}
}

// collectorEnv is what the downward API gives the collector in a pod.
var collectorEnv = []string{"K8S_NODE_NAME=node-1", "K8S_NODE_IP=10.0.0.1", "K8S_POD_IP=10.1.0.1"}

// TestMonitoringConfigPassesTheCollectorsValidation hands each rendered config to the real
// collector (kubearc-otelcol, hack/otelcol.sh). The test distribution lacks the events
// receiver, so the events config is checked with an OTLP receiver in its place.
func TestMonitoringConfigPassesTheCollectorsValidation(t *testing.T) {
	for name, settings := range map[string]map[string]string{
		"defaults":                   {},
		"include, remote write":      {"namespaces.include": "shop,billing", "workspace.prometheusRemoteWriteUrl": "https://prom.example.com/api/v1/write"},
		"logs only":                  {"metrics.enabled": "false", "namespaces.exclude": ""},
		"metrics only, kubelet http": {"logs.enabled": "false", "metrics.kubelet.endpoint": "http://127.0.0.1:10255", "metrics.kubelet.authType": "none"},
	} {
		t.Run(name, func(t *testing.T) {
			r := mustRenderMonitoring(t, monitoringSettings(t, settings))
			validateNodeConfig(t, configOf(t, r, "monitoring").raw)
			events := configOf(t, r, "monitoring-events").raw
			events = strings.Replace(events, "  k8sobjects:\n", "  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:0\n  k8sobjects_unused:\n", 1)
			events = strings.Replace(events, "receivers: [k8sobjects]", "receivers: [otlp]", 1)
			events = dropSection(events, "  k8sobjects_unused:\n")
			if err := otelcoltest.Validate(t, events, collectorEnv...); err != nil {
				t.Errorf("the events collector's config (OTLP in place of k8sobjects):\n%v", err)
			}
		})
	}
}

// serviceAccountFiles is where a pod's token and CA are; outside a pod the kubelet stats
// receiver with authType serviceAccount cannot start.
const serviceAccountFiles = "/var/run/secrets/kubernetes.io/serviceaccount/"

// validateNodeConfig validates the node collector's config. Where the collector refuses it
// only because it runs outside a pod (no service-account files), the config is validated
// again with the kubelet's authType none, so the rest of it is still checked.
func validateNodeConfig(t *testing.T, config string) {
	t.Helper()
	err := otelcoltest.Validate(t, config, collectorEnv...)
	if err != nil && strings.Contains(err.Error(), serviceAccountFiles) && strings.Contains(config, "auth_type: serviceAccount") {
		err = otelcoltest.Validate(t, strings.Replace(config, "auth_type: serviceAccount", "auth_type: none", 1), collectorEnv...)
	}
	if err != nil {
		t.Errorf("the node collector's config:\n%v", err)
	}
}

// dropSection removes the block starting at header up to the next line indented as little.
func dropSection(config, header string) string {
	start := strings.Index(config, header)
	if start < 0 {
		return config
	}
	indent := len(header) - len(strings.TrimLeft(header, " "))
	lines := strings.SplitAfter(config[start+len(header):], "\n")
	end := start + len(header)
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) <= indent {
			break
		}
		end += len(l)
	}
	return config[:start] + config[end:]
}

// TestMonitoringPodsShowNothingOfTheToken: the pods restart on the hub's credentials revision,
// and nothing in them (annotations included) changes with the token alone.
func TestMonitoringPodsShowNothingOfTheToken(t *testing.T) {
	pods := func(token, revision string) map[string]string {
		vals, err := helm.Values(map[string]string{"workspace.otlpEndpoint": testWorkspaceURL, "workspace.credentialsRevision": revision},
			map[string]string{"workspace.bearerToken": token})
		if err != nil {
			t.Fatal(err)
		}
		r := mustRenderMonitoring(t, vals)
		var ds appsv1.DaemonSet
		r.into(t, "DaemonSet", "monitoring", &ds)
		var events appsv1.Deployment
		r.into(t, "Deployment", "monitoring-events", &events)
		out := map[string]string{}
		for name, tpl := range map[string]corev1.PodTemplateSpec{"node": ds.Spec.Template, "events": events.Spec.Template} {
			data, err := yaml.Marshal(tpl)
			if err != nil {
				t.Fatal(err)
			}
			out[name] = string(data)
			if tpl.Annotations["kubearc.io/workspace-credentials-revision"] != revision {
				t.Errorf("the %s pods' annotations %v do not carry the revision %q", name, tpl.Annotations, revision)
			}
		}
		return out
	}
	one, two, rotated := pods("token-one", "r1"), pods("token-two", "r1"), pods("token-two", "r2")
	for name := range one {
		if one[name] != two[name] {
			t.Errorf("the %s pod template changes with the token alone:\n%s\n---\n%s", name, one[name], two[name])
		}
		if one[name] == rotated[name] {
			t.Errorf("the %s pod template does not change with the credentials revision", name)
		}
	}
}

// TestMonitoringEachCollectorHasItsOwnRights: the node collectors cannot read events, and the
// cluster-wide names carry the release's namespace.
func TestMonitoringEachCollectorHasItsOwnRights(t *testing.T) {
	r := mustRenderMonitoring(t, monitoringSettings(t, nil))
	var ds appsv1.DaemonSet
	r.into(t, "DaemonSet", "monitoring", &ds)
	var events appsv1.Deployment
	r.into(t, "Deployment", "monitoring-events", &events)
	if ds.Spec.Template.Spec.ServiceAccountName != "monitoring" || events.Spec.Template.Spec.ServiceAccountName != "monitoring-events" {
		t.Fatalf("service accounts: node collectors %q, events collector %q", ds.Spec.Template.Spec.ServiceAccountName, events.Spec.Template.Spec.ServiceAccountName)
	}
	var nodeRole, eventsRole rbacv1.ClusterRole
	r.into(t, "ClusterRole", "kubearc-monitoring-monitoring", &nodeRole)
	r.into(t, "ClusterRole", "kubearc-monitoring-monitoring-events", &eventsRole)
	if len(nodeRole.Rules) != 1 || nodeRole.Rules[0].Resources[0] != "nodes/stats" {
		t.Errorf("the node collectors' role: %+v, want nodes/stats only", nodeRole.Rules)
	}
	if len(eventsRole.Rules) != 1 || eventsRole.Rules[0].Resources[0] != "events" {
		t.Errorf("the events collector's role: %+v, want events only", eventsRole.Rules)
	}
	for name, sa := range map[string]string{"kubearc-monitoring-monitoring": "monitoring", "kubearc-monitoring-monitoring-events": "monitoring-events"} {
		var b rbacv1.ClusterRoleBinding
		r.into(t, "ClusterRoleBinding", name, &b)
		if b.RoleRef.Name != name || len(b.Subjects) != 1 || b.Subjects[0].Name != sa || b.Subjects[0].Namespace != "kubearc-monitoring" {
			t.Errorf("ClusterRoleBinding %s: %+v", name, b)
		}
	}
}
