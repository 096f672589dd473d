//go:build e2e

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

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kubearc/kubearc/internal/helm/helmtest"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// locationRun is the state the custom-location journey's steps share.
type locationRun struct{}

const (
	locationWait = 2 * time.Minute
	// widgetsRules are the ClusterRole's rules as the chart renders them.
	widgetsRules = `[{"apiGroups":["samples.kubearc.io"],"resources":["widgets"],"verbs":["get","list","watch","create","update","patch","delete"]},` +
		`{"apiGroups":["samples.kubearc.io"],"resources":["widgets/status"],"verbs":["get"]}]`
	// readOnlyWidgetsRules take the writes away from the identity.
	readOnlyWidgetsRules = `[{"apiGroups":["samples.kubearc.io"],"resources":["widgets"],"verbs":["get","list","watch"]}]`
)

func clusterID() string {
	return "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.Kubernetes/connectedClusters/" + cluster
}

func samplesExtensionID() string {
	return clusterID() + "/providers/Microsoft.KubernetesConfiguration/extensions/samples"
}

func locationID() string {
	return "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.ExtendedLocation/customLocations/" + locationName
}

// roleBinding is the RoleBinding the agent makes for the samples' ClusterRole.
const roleBinding = "kubearc-custom-location-" + helmtest.WidgetsClusterRole

// arcctlFails runs arcctl, expecting it to fail with output containing every piece of want.
func (e *env) arcctlFails(want []string, args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := e.run(ctx, "", filepath.Join(e.root, "bin", "arcctl"), args...)
	if err == nil {
		e.t.Fatalf("arcctl %s succeeded, want an error containing %q:\n%s", strings.Join(args, " "), want, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			e.t.Errorf("arcctl %s: the error does not say %q:\n%s", strings.Join(args, " "), w, out)
		}
	}
	return out
}

// arcctlJSON runs arcctl with -o json and decodes what it prints on stdout into v; the
// progress on stderr is returned with the error.
func (e *env) arcctlJSON(v any, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(e.root, "bin", "arcctl"), append(args, "-o", "json")...)
	cmd.Dir, cmd.Env = e.root, e.environ()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("arcctl %s: %w\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		return fmt.Errorf("arcctl %s -o json: %w\n%s", strings.Join(args, " "), err, stdout.String())
	}
	return nil
}

// createLocationArgs are the arguments of `arcctl customlocation create` of the journey.
func createLocationArgs() []string {
	return []string{"customlocation", "create", "-n", locationName, "-g", group, "--host-resource-id", clusterID(),
		"--namespace", locationNamespace, "--cluster-extension-ids", samplesExtensionID(), "--timeout", "2m"}
}

func (l *locationRun) refusedWithoutFeature(e *env) {
	out := e.arcctlFails([]string{"does not have the custom-locations feature enabled",
		"arcctl connectedk8s enable-features -n " + cluster + " -g " + group + " --features cluster-connect custom-locations"},
		createLocationArgs()...)
	if strings.Contains(out, "namespaces is forbidden") {
		e.t.Errorf("the refusal shows the cluster's RBAC error rather than the hub's:\n%s", out)
	}
}

func (l *locationRun) enableFeature(e *env) {
	out := e.arcctl("connectedk8s", "enable-features", "-n", cluster, "-g", group, "--features", "cluster-connect", "custom-locations",
		"--kubeconfig", e.kube, "--timeout", "2m")
	if !strings.Contains(out, "is Connected") {
		e.t.Fatalf("enable-features did not report the agent Connected:\n%s", out)
	}
	pid, err := os.ReadFile(e.agentPIDFile())
	if err != nil {
		e.t.Fatalf("the local agent's pid file: %v", err)
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "cmdline"))
	if err != nil {
		e.t.Fatalf("the restarted agent is not running: %v", err)
	}
	args := strings.Split(string(cmdline), "\x00")
	env, _ := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "environ"))
	if !slices.Contains(args, "--features="+protocol.FeatureCustomLocations) &&
		!strings.Contains(string(env), "KUBEARC_FEATURES="+protocol.FeatureCustomLocations) {
		e.t.Errorf("the restarted agent runs without the feature: %q", args)
	}
	// The release's values give the agent the rights to make namespaces and bind roles.
	for _, kind := range []string{"clusterrole", "clusterrolebinding"} {
		if out, err := e.kubectlRun("", "get", kind, "kubearc-agent-custom-locations"); err != nil {
			e.t.Errorf("the release did not make the %s kubearc-agent-custom-locations: %v\n%s", kind, err, out)
		}
	}
}

func (l *locationRun) installSamples(e *env) {
	e.arcctl("k8s-extension", "create", "-c", cluster, "-g", group, "-n", "samples", "--extension-type", samplesType,
		"--scope", "cluster", "--release-namespace", "samples-system")
	e.waitFor("the Widget CRD and the ClusterRole", locationWait, func() error {
		out, err := e.kubectlRun("", "get", "crd", "widgets.samples.kubearc.io", "-o",
			`jsonpath={.status.conditions[?(@.type=="Established")].status}`)
		if err != nil {
			return fmt.Errorf("the CRD widgets.samples.kubearc.io: %w: %s", err, out)
		}
		if strings.TrimSpace(out) != "True" {
			return fmt.Errorf("the CRD widgets.samples.kubearc.io is not established: %q", out)
		}
		if out, err := e.kubectlRun("", "get", "clusterrole", helmtest.WidgetsClusterRole); err != nil {
			return fmt.Errorf("no ClusterRole %s: %w: %s", helmtest.WidgetsClusterRole, err, out)
		}
		return nil
	})
	e.expectExtension(e.arcctl("k8s-extension", "show", "-c", cluster, "-g", group, "-n", "samples", "-o", "json"), "Succeeded", "0.1.0")
}

func (l *locationRun) createLocation(e *env) {
	var loc struct {
		ID         string `json:"id"`
		Properties struct {
			ProvisioningState string `json:"provisioningState"`
			Namespace         string `json:"namespace"`
		} `json:"properties"`
	}
	if err := e.arcctlJSON(&loc, createLocationArgs()...); err != nil {
		e.t.Fatal(err)
	}
	if loc.Properties.ProvisioningState != "Succeeded" || loc.Properties.Namespace != locationNamespace {
		e.t.Fatalf("create answered %+v, want Succeeded on namespace %s", loc.Properties, locationNamespace)
	}
	// Succeeded means the agent made both; no wait.
	ns, err := e.kubectlRun("", "get", "namespace", locationNamespace, "-o", "json")
	if err != nil {
		e.t.Fatalf("the namespace %s: %v\n%s", locationNamespace, err, ns)
	}
	var meta struct {
		Metadata struct {
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(ns), &meta); err != nil {
		e.t.Fatal(err)
	}
	if meta.Metadata.Labels["arc.kubearc.io/custom-location"] != protocol.CustomLocationName(locationID()) ||
		!strings.EqualFold(meta.Metadata.Annotations["arc.kubearc.io/custom-location-id"], locationID()) {
		e.t.Errorf("the namespace does not name the location: labels %v, annotations %v", meta.Metadata.Labels, meta.Metadata.Annotations)
	}
	if err := e.expectRoleBinding(); err != nil {
		e.t.Error(err)
	}
}

// expectRoleBinding checks the RoleBinding of the samples' ClusterRole for the hub's identity.
func (e *env) expectRoleBinding() error {
	out, err := e.kubectlRun("", "get", "rolebinding", roleBinding, "-n", locationNamespace, "-o", "json")
	if err != nil {
		return fmt.Errorf("the RoleBinding %s: %w: %s", roleBinding, err, out)
	}
	var rb struct {
		RoleRef  struct{ Kind, Name string }   `json:"roleRef"`
		Subjects []struct{ Kind, Name string } `json:"subjects"`
	}
	if err := json.Unmarshal([]byte(out), &rb); err != nil {
		return err
	}
	if rb.RoleRef.Kind != "ClusterRole" || rb.RoleRef.Name != helmtest.WidgetsClusterRole ||
		len(rb.Subjects) != 1 || rb.Subjects[0].Kind != "User" || rb.Subjects[0].Name != protocol.CustomLocationIdentity {
		return fmt.Errorf("the RoleBinding binds %+v to %+v, want ClusterRole %s to User %s",
			rb.RoleRef, rb.Subjects, helmtest.WidgetsClusterRole, protocol.CustomLocationIdentity)
	}
	return nil
}

func (l *locationRun) enabledTypes(e *env) {
	out := e.arcctl("customlocation", "list-enabled-resource-types", "-n", locationName, "-g", group)
	if !strings.Contains(out, widgetType) || !strings.Contains(out, "v1alpha1") {
		e.t.Errorf("list-enabled-resource-types does not show %s at v1alpha1:\n%s", widgetType, out)
	}
	if strings.Contains(out, gizmoType) {
		e.t.Errorf("list-enabled-resource-types shows %s, which no extension of the location serves:\n%s", gizmoType, out)
	}
}

// widgetDoc is what `arcctl resource show -o json` says of a Widget.
type widgetDoc struct {
	ExtendedLocation struct{ Type, Name string } `json:"extendedLocation"`
	Properties       struct {
		ProvisioningState string         `json:"provisioningState"`
		ProvisioningError string         `json:"provisioningError"`
		Size              any            `json:"size"`
		Status            map[string]any `json:"status"`
	} `json:"properties"`
}

func widgetArgs(verb, name string) []string {
	return []string{"resource", verb, "--resource-type", widgetType, "-n", name, "-g", group}
}

func (e *env) showWidget(name string) (*widgetDoc, error) {
	var w widgetDoc
	if err := e.arcctlJSON(&w, widgetArgs("show", name)...); err != nil {
		return nil, err
	}
	return &w, nil
}

func (l *locationRun) createWidget(e *env) {
	var w widgetDoc
	if err := e.arcctlJSON(&w, append(widgetArgs("create", "w1"), "--custom-location", locationName, "--properties", `{"size": 3}`)...); err != nil {
		e.t.Fatal(err)
	}
	if w.Properties.ProvisioningState != "Succeeded" || !strings.EqualFold(w.ExtendedLocation.Name, locationID()) {
		e.t.Errorf("create answered %s on %+v, want Succeeded on %s", w.Properties.ProvisioningState, w.ExtendedLocation, locationID())
	}
	out, err := e.kubectlRun("", "get", "widget", "w1", "-n", locationNamespace, "-o", "json", "--show-managed-fields")
	if err != nil {
		e.t.Fatalf("the Widget w1 is not in %s: %v\n%s", locationNamespace, err, out)
	}
	var cr struct {
		Metadata struct {
			ManagedFields []struct {
				Manager   string `json:"manager"`
				Operation string `json:"operation"`
			} `json:"managedFields"`
		} `json:"metadata"`
		Spec map[string]any `json:"spec"`
	}
	if err := json.Unmarshal([]byte(out), &cr); err != nil {
		e.t.Fatal(err)
	}
	if cr.Spec["size"] != float64(3) {
		e.t.Errorf("the Widget's spec is %v, want size 3", cr.Spec)
	}
	if len(cr.Metadata.ManagedFields) == 0 || cr.Metadata.ManagedFields[0].Manager != "kubearc-hub" || cr.Metadata.ManagedFields[0].Operation != "Apply" {
		e.t.Errorf("the Widget's managedFields are %+v, want one Apply by kubearc-hub", cr.Metadata.ManagedFields)
	}
}

// rbacBoundsTheHub takes the writes on widgets away from the ClusterRole the location binds:
// the hub, acting in the cluster as the custom-location identity, is then refused.
func (l *locationRun) rbacBoundsTheHub(e *env) {
	setRules := func(rules string) {
		e.kubectlOK("", "patch", "clusterrole", helmtest.WidgetsClusterRole, "--type", "merge", "-p", `{"rules":`+rules+`}`)
	}
	setRules(readOnlyWidgetsRules)
	restored := false
	defer func() {
		if !restored {
			setRules(widgetsRules)
		}
	}()
	e.arcctlFails([]string{"ClusterRefused", protocol.CustomLocationIdentity, "widgets"},
		append(widgetArgs("create", "w2"), "--custom-location", locationName, "--properties", `{"size": 1}`)...)
	if out, err := e.kubectlRun("", "get", "widget", "w2", "-n", locationNamespace); err == nil {
		e.t.Errorf("the Widget w2 exists although the identity may not create it:\n%s", out)
	}
	w, err := e.showWidget("w2")
	if err != nil {
		e.t.Fatal(err)
	}
	if w.Properties.ProvisioningState != "Failed" || !strings.Contains(w.Properties.ProvisioningError, protocol.CustomLocationIdentity) {
		e.t.Errorf("the refused Widget shows %+v, want Failed naming %s", w.Properties, protocol.CustomLocationIdentity)
	}
	setRules(widgetsRules)
	restored = true
	e.arcctl(append(widgetArgs("delete", "w2"), "--yes")...)
}

// setWidgetStatus writes the Widget w1's status as its operator would.
func (e *env) setWidgetStatus(ready, reason, message string) {
	e.t.Helper()
	e.kubectlOK("", "patch", "widget", "w1", "-n", locationNamespace, "--subresource", "status", "--type", "merge", "-p",
		fmt.Sprintf(`{"status":{"conditions":[{"type":"Ready","status":%q,"reason":%q,"message":%q,"lastTransitionTime":"2026-01-01T00:00:00Z"}],"observed":3}}`,
			ready, reason, message))
}

func (l *locationRun) operatorStatus(e *env) {
	e.setWidgetStatus("False", "Broken", "the widget is broken")
	e.waitFor("the hub to show the Widget Failed", 30*time.Second, func() error {
		w, err := e.showWidget("w1")
		if err != nil {
			return err
		}
		if w.Properties.ProvisioningState != "Failed" || !strings.Contains(w.Properties.ProvisioningError, "the widget is broken") {
			return fmt.Errorf("the hub shows %+v, want Failed with the operator's message", w.Properties)
		}
		return nil
	})
	e.setWidgetStatus("True", "Ok", "ready")
	e.waitFor("the hub to show the Widget Succeeded with its status", 30*time.Second, func() error {
		w, err := e.showWidget("w1")
		if err != nil {
			return err
		}
		if w.Properties.ProvisioningState != "Succeeded" || w.Properties.Status["observed"] != float64(3) || w.Properties.ProvisioningError != "" {
			return fmt.Errorf("the hub shows %+v, want Succeeded with status.observed 3", w.Properties)
		}
		if w.Properties.Size != float64(3) {
			return fmt.Errorf("the hub shows properties.size %v, want 3", w.Properties.Size)
		}
		return nil
	})
}

func (l *locationRun) typesNotServed(e *env) {
	props := []string{"--custom-location", locationName, "--properties", `{"size": 1}`}
	e.arcctlFails([]string{gizmoType, "is not enabled on the custom location", widgetType},
		append([]string{"resource", "create", "--resource-type", gizmoType, "-n", "g1", "-g", group}, props...)...)
	e.arcctlFails([]string{"InvalidResourceType"},
		append([]string{"resource", "create", "--resource-type", "Microsoft.KubearcSamples/gadgets", "-n", "g1", "-g", group}, props...)...)
	e.arcctlFails([]string{"NoRegisteredProviderFound"},
		append([]string{"resource", "create", "--resource-type", "Microsoft.Unknown/widgets", "-n", "g1", "-g", group}, props...)...)
	if out, err := e.kubectlRun("", "get", "gizmos.samples.kubearc.io", "-n", locationNamespace); err == nil && !strings.Contains(out, "No resources") {
		e.t.Errorf("a refused resource reached the cluster:\n%s", out)
	}
}

func (l *locationRun) deleteWidget(e *env) {
	e.arcctl(append(widgetArgs("delete", "w1"), "--yes")...)
	out, err := e.kubectlRun("", "get", "widget", "w1", "-n", locationNamespace)
	if err == nil || !strings.Contains(out, "NotFound") {
		e.t.Errorf("the Widget w1 is still in the cluster after delete: %v\n%s", err, out)
	}
	if _, err := e.showWidget("w1"); err == nil {
		e.t.Error("the hub still shows w1 after delete")
	}
}

func (l *locationRun) deleteLocation(e *env) {
	e.arcctl("customlocation", "delete", "-n", locationName, "-g", group, "--yes")
	out, err := e.kubectlRun("", "get", "rolebinding", roleBinding, "-n", locationNamespace)
	if err == nil || !strings.Contains(out, "NotFound") {
		e.t.Errorf("the RoleBinding %s is still there after the location's delete: %v\n%s", roleBinding, err, out)
	}
	out, err = e.kubectlRun("", "get", "namespace", locationNamespace, "-o", "jsonpath={.status.phase}")
	if err != nil || strings.TrimSpace(out) != "Active" {
		e.t.Errorf("the namespace %s is not kept Active: %v %q", locationNamespace, err, out)
	}
	out, err = e.run(e.t.Context(), "", filepath.Join(e.root, "bin", "arcctl"), "customlocation", "show", "-n", locationName, "-g", group)
	if err == nil || !strings.Contains(out, "ResourceNotFound") && !strings.Contains(out, "not found") {
		e.t.Errorf("the hub still shows the location after delete: %v\n%s", err, out)
	}
}
