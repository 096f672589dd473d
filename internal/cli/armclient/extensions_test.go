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
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	armkc "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/kubearc/kubearc/pkg/armid"
)

// echoingExtension is an extension document from a hub that wrongly returns protected settings.
const echoingExtension = `{"id":"x","name":"gk","properties":{"extensionType":"gatekeeper",` +
	`"configurationProtectedSettings":{"token":"s3cret"},"provisioningState":"Creating"}}`

func TestExtensionRequests(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var c *Client
	c = fakeHub(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		mu.Unlock()
		switch {
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(echoingExtension))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodPatch:
			w.WriteHeader(http.StatusAccepted)
		case strings.HasSuffix(r.URL.Path, "/extensions") && r.URL.Query().Get("page") == "":
			_, _ = w.Write([]byte(`{"value":[` + echoingExtension + `],"nextLink":"` + c.endpoint.String() + r.URL.Path + `?api-version=2023-05-01&page=2"}`))
		case strings.HasSuffix(r.URL.Path, "/extensions"):
			_, _ = w.Write([]byte(`{"value":[{"name":"flux","properties":{"extensionType":"flux"}}]}`))
		default:
			_, _ = w.Write([]byte(echoingExtension))
		}
	})
	ctx := t.Context()
	cluster := armid.ClusterID{Subscription: "sub", ResourceGroup: "rg", Name: "c1"}
	const base = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/Microsoft.KubernetesConfiguration/extensions"

	secret := "s3cret"
	ext, created, err := c.PutExtension(ctx, cluster, "gk", armkc.Extension{Properties: &armkc.ExtensionProperties{
		ExtensionType: ptr("gatekeeper"), ConfigurationProtectedSettings: map[string]*string{"token": &secret}}})
	if err != nil || !created {
		t.Fatalf("PutExtension = %v, %v", created, err)
	}
	wantNoProtected(t, ext)
	if ext, err = c.GetExtension(ctx, cluster, "gk"); err != nil {
		t.Fatal(err)
	}
	wantNoProtected(t, ext)
	if ext, err = c.PatchExtension(ctx, cluster, "gk", armkc.PatchExtension{Properties: &armkc.PatchExtensionProperties{Version: ptr("1.0.0")}}); err != nil || ext != nil {
		t.Fatalf("PatchExtension answered 202 without a body = %v, %v; want nil, nil", ext, err)
	}
	if existed, err := c.DeleteExtension(ctx, cluster, "gk", true); err != nil || !existed {
		t.Fatalf("DeleteExtension = %v, %v", existed, err)
	}
	var names []string
	pager := c.ListExtensions(cluster)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Value {
			wantNoProtected(t, e)
			names = append(names, *e.Name)
		}
	}
	if strings.Join(names, ",") != "gk,flux" {
		t.Errorf("listed %v, want gk and flux from two pages", names)
	}

	want := []string{
		"PUT " + base + `/gk?api-version=2023-05-01 {"properties":{"configurationProtectedSettings":{"token":"s3cret"},"extensionType":"gatekeeper"}}`,
		"GET " + base + "/gk?api-version=2023-05-01 ",
		"PATCH " + base + `/gk?api-version=2023-05-01 {"properties":{"version":"1.0.0"}}`,
		"DELETE " + base + "/gk?api-version=2023-05-01&forceDelete=true ",
		"GET " + base + "?api-version=2023-05-01 ",
		"GET " + base + "?api-version=2023-05-01&page=2 ",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

func wantNoProtected(t *testing.T, ext *armkc.Extension) {
	t.Helper()
	if ext == nil || ext.Properties == nil {
		t.Fatalf("extension %v has no properties", ext)
	}
	if ext.Properties.ConfigurationProtectedSettings != nil {
		t.Errorf("the client kept protected settings the hub returned: %v", ext.Properties.ConfigurationProtectedSettings)
	}
}

func ptr[T any](v T) *T { return &v }
