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

package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
)

// A widget PUT on a custom location becomes a Widget in the location's namespace, applied by
// the hub's field manager; its status reaches GET; DELETE removes it.
func TestLocationResourceLifecycle(t *testing.T) {
	w := newLocationWorld(t, true)
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "large", "replicas": 2.0}))
	checkStatus(t, "PUT", status, http.StatusCreated, doc)
	if prop(doc, "provisioningState") != "Succeeded" || prop(doc, "size") != "large" {
		t.Fatalf("PUT answered %v", doc)
	}
	cr := w.widget("w1")
	if spec, _, _ := unstructured.NestedMap(cr.Object, "spec"); spec["size"] != "large" || spec["provisioningState"] != nil {
		t.Fatalf("the CR's spec is %v", spec)
	}
	if cr.GetAnnotations()[locationresources.ResourceIDAnnotation] != path || cr.GetManagedFields()[0].Manager != locationresources.FieldManager {
		t.Fatalf("the CR's annotations are %v, managed by %v", cr.GetAnnotations(), cr.GetManagedFields())
	}

	w.setWidgetStatus("w1", "False", "True", "scaling up")
	if _, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); prop(doc, "provisioningState") != "Creating" {
		t.Fatalf("a reconciling widget is %v", doc)
	}
	w.setWidgetStatus("w1", "True", "False", "ready")
	if _, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); prop(doc, "provisioningState") != "Succeeded" || prop(doc, "status") == nil {
		t.Fatalf("a ready widget is %v", doc)
	}
	w.setWidgetStatus("w1", "False", "False", "out of disk")
	if _, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); prop(doc, "provisioningState") != "Failed" || prop(doc, "provisioningError") != "out of disk" {
		t.Fatalf("a stalled widget is %v", doc)
	}

	status, doc = w.arm(http.MethodDelete, path, w.hub.AdminToken, nil)
	checkStatus(t, "DELETE", status, http.StatusOK, doc)
	if _, err := w.dyn.Resource(widgets).Namespace(w.namespace).Get(context.Background(), "w1", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the CR is still there after DELETE: %v", err)
	}
	status, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil)
	checkStatus(t, "GET after DELETE", status, http.StatusNotFound, doc)
}

// Without the RoleBinding the agent makes, the cluster refuses the hub: it acts as the
// custom-location identity, never with the agent's own rights.
func TestLocationResourceRunsAsTheIdentity(t *testing.T) {
	w := newLocationWorld(t, false)
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "small"}))
	checkStatus(t, "PUT", status, http.StatusForbidden, doc)
	if msg := errorCode(doc); !strings.Contains(msg, "ClusterRefused") || !strings.Contains(msg, `"kubearc:custom-locations"`) {
		t.Fatalf("the refusal says %s", msg)
	}
	if _, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); prop(doc, "provisioningState") != "Failed" {
		t.Fatalf("a refused widget is %v", doc)
	}
}

// Bad requests are 4xx ARM errors that say what is wrong.
func TestLocationResourceValidation(t *testing.T) {
	w := newLocationWorld(t, true)
	gadgets := strings.Replace(w.widgetPath("rg-b", "g1"), "/widgets/", "/gadgets/", 1)
	cases := []struct {
		name, path string
		body       map[string]any
		status     int
		want       string
	}{
		{"type not enabled", gadgets, widgetBody(w.location, nil), http.StatusBadRequest, "Microsoft.KubearcSamples/widgets]"},
		{"unknown type", strings.Replace(gadgets, "/gadgets/", "/sprockets/", 1), widgetBody(w.location, nil), http.StatusBadRequest, "InvalidResourceType"},
		{"unknown provider", strings.Replace(gadgets, "KubearcSamples", "Contoso", 1), widgetBody(w.location, nil), http.StatusBadRequest, "NoRegisteredProviderFound"},
		{"name not a DNS subdomain", w.widgetPath("rg-b", "Bad_Name"), widgetBody(w.location, nil), http.StatusBadRequest, "Kubernetes object name"},
		{"no extendedLocation", w.widgetPath("rg-b", "w1"), map[string]any{"location": "westeurope"}, http.StatusBadRequest, "MissingRequiredProperty"},
		{"not a custom location", w.widgetPath("rg-b", "w1"), map[string]any{"location": "westeurope",
			"extendedLocation": map[string]any{"type": "EdgeZone", "name": w.location}}, http.StatusBadRequest, "'extendedLocation.type'"},
		{"no such location", w.widgetPath("rg-b", "w1"), widgetBody(w.location+"x", nil), http.StatusBadRequest, "does not exist"},
		{"no api-version", w.widgetPath("rg-b", "w1") + "?x=1", widgetBody(w.location, nil), http.StatusBadRequest, "MissingApiVersionParameter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, doc := w.arm(http.MethodPut, tc.path, w.hub.AdminToken, tc.body)
			if status != tc.status || !strings.Contains(errorCode(doc), tc.want) {
				t.Fatalf("%d %s, want %d and %q", status, errorCode(doc), tc.status, tc.want)
			}
		})
	}
}

// A Contributor of resource group A cannot put a resource on a location in group B.
func TestLocationResourceNeedsWriteOnTheLocation(t *testing.T) {
	w := newLocationWorld(t, true)
	token, err := tunneltest.NewToken(w.hub, "alice", "Contributor", "/subscriptions/"+w.cluster.Subscription+"/resourceGroups/rg-a")
	if err != nil {
		t.Fatal(err)
	}
	status, doc := w.arm(http.MethodPut, w.widgetPath("rg-a", "w1"), token, widgetBody(w.location, nil))
	checkStatus(t, "PUT", status, http.StatusForbidden, doc)
	if msg := errorCode(doc); !strings.Contains(msg, "customLocations/deploy/action") {
		t.Fatalf("the refusal says %s", msg)
	}
	status, doc = w.arm(http.MethodPut, w.widgetPath("rg-b", "w1"), token, widgetBody(w.location, nil))
	checkStatus(t, "PUT in rg-b", status, http.StatusForbidden, doc)
}

// A PUT while the cluster is offline stays Creating and is applied when the tunnel returns.
func TestLocationResourceConvergesWhenTheClusterReturns(t *testing.T) {
	w := newLocationWorld(t, true)
	w.agent.Stop()
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "large"}))
	checkStatus(t, "PUT", status, http.StatusCreated, doc)
	if prop(doc, "provisioningState") != "Creating" {
		t.Fatalf("PUT while offline answered %v", doc)
	}
	if err := w.agent.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); prop(doc, "provisioningState") != "Succeeded"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the widget is still %v", doc)
		}
		_, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil)
	}
	w.widget("w1")
}

// widget returns the Widget name in the location's namespace.
func (w *locationWorld) widget(name string) *unstructured.Unstructured {
	w.t.Helper()
	cr, err := w.dyn.Resource(widgets).Namespace(w.namespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		w.t.Fatalf("reading widget %s: %v", name, err)
	}
	return cr
}

// setWidgetStatus plays the operator: it sets the Widget's Ready and Reconciling conditions.
func (w *locationWorld) setWidgetStatus(name, ready, reconciling, message string) {
	w.t.Helper()
	cr := w.widget(name)
	now := time.Now().UTC().Format(time.RFC3339)
	conditions := []any{
		map[string]any{"type": "Ready", "status": ready, "reason": "Test", "message": message, "lastTransitionTime": now},
		map[string]any{"type": "Reconciling", "status": reconciling, "reason": "Test", "message": message, "lastTransitionTime": now},
	}
	if err := unstructured.SetNestedSlice(cr.Object, conditions, "status", "conditions"); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.dyn.Resource(widgets).Namespace(w.namespace).UpdateStatus(context.Background(), cr, metav1.UpdateOptions{}); err != nil {
		w.t.Fatal(err)
	}
}
