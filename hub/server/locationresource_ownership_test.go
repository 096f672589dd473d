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
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
)

// Two resources of one type and name in different resource groups would be one CR in the
// location's namespace: the second is refused, naming the first, and the first's CR stays.
func TestLocationResourceSameNameInAnotherGroupIsRefused(t *testing.T) {
	w := newLocationWorld(t, true)
	first := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, first, w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "large"}))
	checkStatus(t, "PUT in rg-b", status, http.StatusCreated, doc)

	second := w.widgetPath("rg-c", "w1")
	status, doc = w.arm(http.MethodPut, second, w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "small"}))
	checkStatus(t, "PUT in rg-c", status, http.StatusConflict, doc)
	if msg := errorCode(doc); !strings.Contains(msg, first) {
		t.Fatalf("the refusal says %s, not naming %s", msg, first)
	}
	if status, doc = w.arm(http.MethodGet, second, w.hub.AdminToken, nil); status != http.StatusNotFound {
		t.Fatalf("the refused resource was stored: %d %v", status, doc)
	}
	if spec, _, _ := unstructured.NestedMap(w.widget("w1").Object, "spec"); spec["size"] != "large" {
		t.Fatalf("the first resource's CR was overwritten: %v", spec)
	}
}

// A CR that is not the resource's (made in the cluster, or another resource's) is neither
// taken over by a PUT (409, Failed) nor deleted by a DELETE, which forgets the resource and
// warns that the CR stays.
func TestLocationResourceLeavesACustomResourceThatIsNotItsOwn(t *testing.T) {
	w := newLocationWorld(t, true)
	foreign := &unstructured.Unstructured{Object: map[string]any{"apiVersion": widgets.Group + "/" + widgets.Version, "kind": "Widget",
		"metadata": map[string]any{"name": "w1", "namespace": w.namespace,
			"annotations": map[string]any{locationresources.ResourceIDAnnotation: strings.ToUpper(w.widgetPath("rg-x", "w1"))}},
		"spec": map[string]any{"size": "mine"}}}
	if _, err := w.dyn.Resource(widgets).Namespace(w.namespace).Create(context.Background(), foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, map[string]any{"size": "large"}))
	checkStatus(t, "PUT", status, http.StatusConflict, doc)
	if msg := errorCode(doc); !strings.Contains(msg, "CustomResourceConflict") || !strings.Contains(msg, "RG-X") {
		t.Fatalf("the refusal says %s", msg)
	}
	if _, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); prop(doc, "provisioningState") != "Failed" {
		t.Fatalf("the refused resource is %v", doc)
	}
	if spec, _, _ := unstructured.NestedMap(w.widget("w1").Object, "spec"); spec["size"] != "mine" {
		t.Fatalf("the CR was taken over: %v", spec)
	}

	status, warning := w.deleteWithWarning(path)
	if status != http.StatusOK || !strings.Contains(warning, "left alone") {
		t.Fatalf("DELETE answered %d, warning %q", status, warning)
	}
	w.widget("w1") // still there
	if status, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); status != http.StatusNotFound {
		t.Fatalf("the resource is still there after DELETE: %d %v", status, doc)
	}
}

// A resource whose CR the cluster will not let the hub delete (the identity's binding is
// gone) does not stay Failed forever, keeping its location from being deleted: it is
// forgotten, and the DELETE warns that the CR stays in the cluster.
func TestLocationResourceDeleteForbiddenForgetsTheResource(t *testing.T) {
	w := newLocationWorld(t, true)
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, nil))
	checkStatus(t, "PUT", status, http.StatusCreated, doc)
	if err := w.admin.RbacV1().RoleBindings(w.namespace).Delete(context.Background(), "custom-location-widgets", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	status, warning := w.deleteWithWarning(path)
	if status != http.StatusOK || !strings.Contains(warning, "stays in namespace "+w.namespace) {
		t.Fatalf("DELETE answered %d, warning %q", status, warning)
	}
	w.widget("w1")
	if status, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); status != http.StatusNotFound {
		t.Fatalf("the resource is still there after DELETE: %d %v", status, doc)
	}
}

// A deletion that waits for an offline cluster longer than the pending timeout forgets the
// resource rather than hang Deleting; a DELETE again does not restart the timeout.
func TestLocationResourceDeleteTimesOut(t *testing.T) {
	w := newLocationWorld(t, true, func(cfg *server.Config) { cfg.LocationResourceTimeout = 500 * time.Millisecond })
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, nil))
	checkStatus(t, "PUT", status, http.StatusCreated, doc)
	w.agent.Stop()
	if status, warning := w.deleteWithWarning(path); status != http.StatusAccepted || warning != "" {
		t.Fatalf("DELETE while offline answered %d, warning %q", status, warning)
	}
	if _, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); prop(doc, "provisioningState") != "Deleting" {
		t.Fatalf("a pending deletion is %v", doc)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, warning := w.deleteWithWarning(path)
		if status == http.StatusOK {
			if !strings.Contains(warning, "had no tunnel to the hub") {
				t.Fatalf("the timed-out DELETE warns %q", warning)
			}
			break
		}
		if status != http.StatusAccepted || time.Now().After(deadline) {
			t.Fatalf("DELETE after the timeout answered %d", status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); status != http.StatusNotFound {
		t.Fatalf("the resource is still there: %d %v", status, doc)
	}
}

// deleteWithWarning sends a DELETE as the admin and returns the status and Warning header.
func (w *locationWorld) deleteWithWarning(path string) (int, string) {
	w.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, w.hub.URL+path+"?api-version="+hubtest.APIVersion, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.hub.AdminToken)
	resp, err := w.hub.HTTPClient().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Warning")
}

// deletingLocations marks the location Deleting, as the registry does when it is deleted,
// right after the first lookup: a PUT in between must not store a resource under it.
type deletingLocations struct {
	locationresources.Locations // the stand-in, for its other methods
	hub                         func() *hubtest.Hub
	once                        sync.Once
	err                         error
}

func (l *deletingLocations) Lookup(ctx context.Context, id string) (*locationresources.Location, error) {
	loc, err := l.Locations.Lookup(ctx, id)
	l.once.Do(func() { l.err = l.markDeleting(ctx, id) })
	if l.err != nil {
		return nil, l.err
	}
	return loc, err
}

func (l *deletingLocations) markDeleting(ctx context.Context, id string) error {
	st := l.hub().Store()
	res, err := st.GetResource(ctx, id)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		return err
	}
	doc["properties"].(map[string]any)["provisioningState"] = "Deleting"
	if res.Body, err = json.Marshal(doc); err != nil {
		return err
	}
	_, err = st.PutResource(ctx, res, store.IfVersion(res.Version))
	return err
}

// A location marked Deleting between a resource PUT's lookup and its write makes the PUT
// look again and be refused, so no resource outlives its location.
func TestLocationResourcePutRacingTheLocationsDeletion(t *testing.T) {
	var w *locationWorld
	locations := &deletingLocations{hub: func() *hubtest.Hub { return w.hub }}
	w = newLocationWorld(t, true, func(cfg *server.Config) {
		locations.Locations, cfg.Locations = cfg.Locations, locations
	})
	path := w.widgetPath("rg-b", "w1")
	status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, nil))
	checkStatus(t, "PUT", status, http.StatusConflict, doc)
	if msg := errorCode(doc); !strings.Contains(msg, "is Deleting") {
		t.Fatalf("the refusal says %s", msg)
	}
	if status, doc = w.arm(http.MethodGet, path, w.hub.AdminToken, nil); status != http.StatusNotFound {
		t.Fatalf("a resource was stored on the location being deleted: %d %v", status, doc)
	}
}

// The subscription's listing of a type has the resources of every resource group the
// caller may read, and no others.
func TestLocationResourceListInTheSubscription(t *testing.T) {
	w := newLocationWorld(t, true)
	for _, path := range []string{w.widgetPath("rg-b", "w1"), w.widgetPath("rg-c", "w2")} {
		status, doc := w.arm(http.MethodPut, path, w.hub.AdminToken, widgetBody(w.location, nil))
		checkStatus(t, "PUT "+path, status, http.StatusCreated, doc)
	}
	list := "/subscriptions/" + w.cluster.Subscription + "/providers/Microsoft.KubearcSamples/widgets"
	if got := w.listIDs(list, w.hub.AdminToken); !slices.Equal(got, []string{w.widgetPath("rg-b", "w1"), w.widgetPath("rg-c", "w2")}) {
		t.Fatalf("the admin's listing is %v", got)
	}
	token, err := tunneltest.NewToken(w.hub, "carol", "Reader", "/subscriptions/"+w.cluster.Subscription+"/resourceGroups/rg-c")
	if err != nil {
		t.Fatal(err)
	}
	if got := w.listIDs(list, token); !slices.Equal(got, []string{w.widgetPath("rg-c", "w2")}) {
		t.Fatalf("a Reader of rg-c lists %v", got)
	}
	other, err := tunneltest.NewToken(w.hub, "dave", "Reader", "/subscriptions/00000000-0000-0000-0000-0000000000ff")
	if err != nil {
		t.Fatal(err)
	}
	status, doc := w.arm(http.MethodGet, list, other, nil)
	checkStatus(t, "GET as a Reader of another subscription", status, http.StatusForbidden, doc)
}

// listIDs returns the IDs a listing answers token.
func (w *locationWorld) listIDs(path, token string) []string {
	w.t.Helper()
	status, doc := w.arm(http.MethodGet, path, token, nil)
	checkStatus(w.t, "GET "+path, status, http.StatusOK, doc)
	items, _ := doc["value"].([]any)
	ids := make([]string, 0, len(items))
	for _, item := range items {
		ids = append(ids, item.(map[string]any)["id"].(string))
	}
	slices.Sort(ids)
	return ids
}
