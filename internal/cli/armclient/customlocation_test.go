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

package armclient

import (
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/extendedlocation/armextendedlocation"
)

func TestCustomLocationRequests(t *testing.T) {
	var rec recorder
	c := fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		switch {
		case r.Method == http.MethodPut || r.Method == http.MethodPatch:
			if r.Method == http.MethodPut {
				w.WriteHeader(http.StatusCreated)
			}
			_, _ = w.Write([]byte(`{"name":"apps","properties":{"namespace":"apps","provisioningState":"Creating"}}`))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusAccepted)
		case strings.HasSuffix(r.URL.Path, "/enabledResourceTypes"):
			_, _ = w.Write([]byte(`{"value":[{"properties":{"extensionType":"widgets","typesMetadata":[{"resourceType":"widgets"}]}}]}`))
		default:
			_, _ = w.Write([]byte(`{"value":[{"name":"apps"}]}`))
		}
	})
	ctx := t.Context()
	ref := CustomLocationRef{Subscription: "s1", ResourceGroup: "rg", Name: "apps"}
	loc, err := c.PutCustomLocation(ctx, ref, armextendedlocation.CustomLocation{Location: ptr("local"),
		Properties: &armextendedlocation.CustomLocationProperties{Namespace: ptr("apps")}})
	if err != nil || *loc.Properties.ProvisioningState != "Creating" {
		t.Fatalf("PutCustomLocation = %v, %v", loc, err)
	}
	if existed, err := c.DeleteCustomLocation(ctx, ref, true); err != nil || !existed {
		t.Fatalf("DeleteCustomLocation = %v, %v; want true, nil", existed, err)
	}
	if _, err := c.ListCustomLocations("s1", "").NextPage(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListEnabledResourceTypes(ref).NextPage(ctx)
	if err != nil || len(page.Value) != 1 || *page.Value[0].Properties.ExtensionType != "widgets" {
		t.Fatalf("ListEnabledResourceTypes = %+v, %v", page, err)
	}
	const loc1 = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ExtendedLocation/customLocations/apps"
	rec.want(t,
		"PUT "+loc1+`?api-version=2021-08-15 {"location":"local","properties":{"namespace":"apps"}}`,
		"PATCH "+loc1+`?api-version=2021-08-15 {"properties":{"deleteNamespaceOnDelete":true}}`,
		"DELETE "+loc1+"?api-version=2021-08-15 ",
		"GET /subscriptions/s1/providers/Microsoft.ExtendedLocation/customLocations?api-version=2021-08-15 ",
		"GET "+loc1+"/enabledResourceTypes?api-version=2021-08-15 ",
	)
}

func TestResourceRequests(t *testing.T) {
	var rec recorder
	c := fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusCreated)
		}
		_, _ = w.Write([]byte(`{"name":"w1","properties":{"size":3,"provisioningState":"Failed","provisioningError":"no operator"}}`))
	})
	const id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KubearcSamples/widgets/w 1"
	body := Resource{Location: "local", Properties: []byte(`{"size":3}`),
		ExtendedLocation: &ExtendedLocation{Type: ExtendedLocationCustomLocation, Name: "/subscriptions/s1/x"}}
	res, created, err := c.PutResource(t.Context(), id, "2021-08-15", body)
	if err != nil || !created {
		t.Fatalf("PutResource = %v, %v, %v", res, created, err)
	}
	if s := res.State(); s.ProvisioningState != "Failed" || s.ProvisioningError != "no operator" {
		t.Errorf("State() = %+v", s)
	}
	if out, _ := res.MarshalJSON(); !strings.Contains(string(out), `"size":3`) {
		t.Errorf("MarshalJSON = %s, want the hub's document", out)
	}
	rec.want(t, "PUT /subscriptions/s1/resourceGroups/rg/providers/Microsoft.KubearcSamples/widgets/w%201?api-version=2021-08-15 "+
		`{"location":"local","extendedLocation":{"type":"CustomLocation","name":"/subscriptions/s1/x"},"properties":{"size":3}}`)
}
