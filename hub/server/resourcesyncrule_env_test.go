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
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// makeWidget creates Widget name with labels in the location's namespace, as kubectl would.
func (w *locationWorld) makeWidget(name string, labels map[string]any) {
	w.t.Helper()
	cr := &unstructured.Unstructured{Object: map[string]any{"apiVersion": widgets.Group + "/" + widgets.Version, "kind": "Widget",
		"metadata": map[string]any{"name": name, "labels": labels}, "spec": map[string]any{"size": "large"}}}
	if _, err := w.dyn.Resource(widgets).Namespace(w.namespace).Create(context.Background(), cr, metav1.CreateOptions{}); err != nil {
		w.t.Fatalf("creating widget %s: %v", name, err)
	}
}

// reconnect closes and opens the cluster's tunnel: its opening makes the hub sync.
func (w *locationWorld) reconnect() {
	w.t.Helper()
	w.agent.Stop()
	if err := w.agent.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.waitForTunnel()
}

// waitFor GETs path until it answers status; the bound only keeps a broken test from hanging.
func (w *locationWorld) waitFor(path string, status int) map[string]any {
	w.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		got, doc := w.arm(http.MethodGet, path, w.hub.AdminToken, nil)
		if got == status {
			return doc
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("GET %s: %d %v, want %d", path, got, doc, status)
		}
	}
}

// TestResourceSyncRulesShowWidgetsMadeInTheCluster: a Widget made with kubectl in the
// location's namespace, whose labels match a rule, shows in the rule's target group,
// read-only, until it is deleted in the cluster; one no rule matches is not shown.
func TestResourceSyncRulesShowWidgetsMadeInTheCluster(t *testing.T) {
	w := newLocationWorld(t, true)
	target := "/subscriptions/" + w.cluster.Subscription + "/resourceGroups/rg-synced"
	rule := map[string]any{"location": "westeurope", "properties": map[string]any{"priority": 1, "targetResourceGroup": target,
		"selector": map[string]any{"matchLabels": map[string]any{"team": "a"}}}}
	status, doc := w.arm(http.MethodPut, w.location+"/resourceSyncRules/team-a?api-version="+ruleAPI, w.hub.AdminToken, rule)
	checkStatus(t, "PUT rule", status, http.StatusCreated, doc)
	w.makeWidget("made-a", map[string]any{"team": "a"})
	w.makeWidget("made-b", map[string]any{"team": "b"})
	w.reconnect()

	path := w.widgetPath("rg-synced", "made-a")
	doc = w.waitFor(path+"?api-version=2024-01-01", http.StatusOK)
	system, _ := doc["systemData"].(map[string]any)
	extended, _ := doc["extendedLocation"].(map[string]any)
	if prop(doc, "size") != "large" || prop(doc, "provisioningState") != "Succeeded" || system["createdByType"] != "Cluster" || extended["name"] != w.location {
		t.Errorf("the widget made in the cluster shows as %v", doc)
	}
	status, list := w.arm(http.MethodGet, "/subscriptions/"+w.cluster.Subscription+"/resourceGroups/rg-synced/providers/Microsoft.KubearcSamples/widgets?api-version=2024-01-01", w.hub.AdminToken, nil)
	if value, _ := list["value"].([]any); status != http.StatusOK || len(value) != 1 {
		t.Errorf("widgets of rg-synced: %d %v, want made-a only", status, list)
	}
	for _, method := range []string{http.MethodPut, http.MethodDelete} {
		status, doc := w.arm(method, path+"?api-version=2024-01-01", w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "small"}))
		checkStatus(t, method+" of a widget made in the cluster", status, http.StatusConflict, doc)
	}
	if cr := w.widget("made-a"); cr.Object["spec"].(map[string]any)["size"] != "large" {
		t.Errorf("the hub changed the widget made in the cluster: %v", cr.Object)
	}

	if err := w.dyn.Resource(widgets).Namespace(w.namespace).Delete(context.Background(), "made-a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	w.reconnect()
	w.waitFor(path+"?api-version=2024-01-01", http.StatusNotFound)
	if status, doc := w.arm(http.MethodGet, w.widgetPath("rg-synced", "made-b")+"?api-version=2024-01-01", w.hub.AdminToken, nil); status != http.StatusNotFound {
		t.Errorf("the widget no rule matches shows: %d %v", status, doc)
	}
}
