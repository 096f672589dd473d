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

package customlocations

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/nested"
)

const host = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c1"

func decoder(body string) nested.Decoder {
	return func(v any) error { return json.Unmarshal([]byte(body), v) }
}

func TestPutValidation(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"valid", `{"location":"westeurope","properties":{"hostResourceId":"` + host + `","namespace":"apps"}}`, ""},
		{"no location", `{"properties":{"hostResourceId":"` + host + `"}}`, "'location' is required"},
		{"no properties", `{"location":"westeurope"}`, "'properties' is required"},
		{"no host", `{"location":"westeurope","properties":{}}`, "'properties.hostResourceId' is required"},
		{"host not a cluster", `{"location":"westeurope","properties":{"hostResourceId":"/subscriptions/s"}}`, "must be a connectedCluster's ID"},
		{"namespace", `{"location":"westeurope","properties":{"hostResourceId":"` + host + `","namespace":"a.b"}}`, "must be a DNS label"},
		{"host type", `{"location":"westeurope","properties":{"hostResourceId":"` + host + `","hostType":"VM"}}`, "must be 'Kubernetes'"},
		{"foreign extension", `{"location":"westeurope","properties":{"hostResourceId":"` + host + `","clusterExtensionIds":["` +
			strings.Replace(host, "c1", "c2", 1) + extensionsSegment + `x"]}}`, "not an extension of the host cluster"},
		{"nested extension path", `{"location":"westeurope","properties":{"hostResourceId":"` + host + `","clusterExtensionIds":["` +
			host + extensionsSegment + `x/y"]}}`, "not an extension of the host cluster"},
		{"identity", `{"location":"westeurope","identity":{"type":"UserAssigned"},"properties":{"hostResourceId":"` + host + `"}}`, "'identity.type'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change, err := (&Kind{}).Put(decoder(tt.body))
			if err == nil {
				_, _, err = change(nil, nil)
			}
			var invalid *nested.InvalidError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Put = %v, want nil", err)
			case tt.want != "" && (!errors.As(err, &invalid) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Put = %v, want an InvalidError saying %q", err, tt.want)
			}
		})
	}
}

// TestChangesKeepHostAndNamespace: neither can change, and a PATCH keeps what it leaves out,
// the sealed authentication included.
func TestChangesKeepHostAndNamespace(t *testing.T) {
	old := &Record{Meta: nested.Meta{ID: "/subscriptions/s/resourceGroups/g/providers/" + ResourceType + "/apps", Name: "apps"},
		Location: "westeurope", HostResourceID: host, Namespace: "apps", DisplayName: "Apps",
		Identity: &Identity{Type: IdentitySystemAssigned, PrincipalID: "p", TenantID: TenantID}}
	change, err := (&Kind{}).Patch(decoder(`{"tags":{"a":"b"}}`))
	if err != nil {
		t.Fatal(err)
	}
	rec, protected, err := change(old, map[string]string{"authentication.value": "x"})
	if err != nil || rec.DisplayName != "Apps" || rec.Tags["a"] != "b" || rec.Identity.PrincipalID != "p" || protected["authentication.value"] != "x" {
		t.Errorf("PATCH of tags = %+v %v %v", rec, protected, err)
	}
	if err := immutable(old, &Record{HostResourceID: strings.ToUpper(host), Namespace: "apps"}); err != nil {
		t.Errorf("the same host in other case: %v", err)
	}
	if err := immutable(old, &Record{HostResourceID: strings.Replace(host, "c1", "c2", 1), Namespace: "apps"}); err == nil {
		t.Error("another host was accepted")
	}
	if err := immutable(old, &Record{HostResourceID: host, Namespace: "other"}); err == nil {
		t.Error("another namespace was accepted")
	}
}

func TestSplitID(t *testing.T) {
	tests := []struct {
		id, parent, name string
		ok               bool
	}{
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.ExtendedLocation/customLocations/apps", "/subscriptions/s/resourceGroups/g", "apps", true},
		{"/subscriptions/s/resourcegroups/g/providers/microsoft.extendedlocation/customlocations/apps", "/subscriptions/s/resourcegroups/g", "apps", true},
		{"/subscriptions/s/providers/Microsoft.ExtendedLocation/customLocations/apps", "", "", false},
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Other/things/apps", "", "", false},
		{"apps", "", "", false},
	}
	for _, tt := range tests {
		parent, name, ok := splitID(tt.id)
		if ok != tt.ok || (ok && (parent != tt.parent || name != tt.name)) {
			t.Errorf("splitID(%q) = %q %q %v, want %q %q %v", tt.id, parent, name, ok, tt.parent, tt.name, tt.ok)
		}
	}
}

func TestALocationWithResourcesIsNotDeleted(t *testing.T) {
	const loc = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ExtendedLocation/customLocations/l1"
	on := map[string][]string{loc: {"/subscriptions/s/resourceGroups/g/providers/Microsoft.KubearcSamples/widgets/w1"}}
	k := &Kind{ResourcesOn: func(_ context.Context, id string) ([]string, error) { return on[id], nil }}
	var conflict *nested.ConflictError
	if err := k.Deleting(t.Context(), nested.Request{}, loc); !errors.As(err, &conflict) || !strings.Contains(err.Error(), "widgets/w1") {
		t.Fatalf("Deleting a location with a widget = %v, want a conflict naming the widget", err)
	}
	delete(on, loc)
	if err := k.Deleting(t.Context(), nested.Request{}, loc); err != nil {
		t.Fatalf("Deleting an empty location = %v", err)
	}
}
