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

package arcctl

import (
	"fmt"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
)

func fmtValue(v any) string { return fmt.Sprint(v) }

func TestResourceID(t *testing.T) {
	const widget = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KubearcSamples/widgets/w1"
	for _, tc := range []struct {
		name    string
		ref     resourceRef
		wantErr string
	}{
		{name: "id", ref: resourceRef{id: widget}},
		{name: "parts", ref: resourceRef{kind: "Microsoft.KubearcSamples/widgets", name: "w1", group: "rg"}},
		{name: "bad id", ref: resourceRef{id: "/subscriptions/s1"}, wantErr: "--id"},
		{name: "no name", ref: resourceRef{kind: "Microsoft.KubearcSamples/widgets", group: "rg"}, wantErr: "name the resource with --id"},
		{name: "bad type", ref: resourceRef{kind: "widgets", name: "w1", group: "rg"}, wantErr: "--resource-type"},
		{name: "nested type", ref: resourceRef{kind: "Microsoft.X/a/b", name: "w1", group: "rg"}, wantErr: "--resource-type"},
		{name: "bad group", ref: resourceRef{kind: "Microsoft.X/a", name: "w1", group: "a/b"}, wantErr: "--resource-group"},
		{name: "slash in name", ref: resourceRef{kind: "Microsoft.X/a", name: "w/1", group: "rg"}, wantErr: "--name"},
	} {
		id, err := tc.ref.resourceID("s1")
		wantError(t, tc.name, err, tc.wantErr)
		if err == nil && id.String() != widget {
			t.Errorf("%s: ID %s, want %s", tc.name, id, widget)
		}
	}
}

func TestCustomLocationID(t *testing.T) {
	res, err := arm.ParseResourceID("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KubearcSamples/widgets/w1")
	if err != nil {
		t.Fatal(err)
	}
	const loc = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ExtendedLocation/customLocations/apps"
	for _, tc := range []struct {
		value, want, wantErr string
	}{
		{value: "apps", want: loc},
		{value: loc, want: loc},
		{value: testHost, wantErr: "--custom-location"},
		{value: "a/b", wantErr: "--custom-location"},
	} {
		got, err := customLocationID(tc.value, res)
		wantError(t, tc.value, err, tc.wantErr)
		if err == nil && got != tc.want {
			t.Errorf("%s: %s, want %s", tc.value, got, tc.want)
		}
	}
}

func TestResourceBody(t *testing.T) {
	for _, tc := range []struct {
		o       resourceCreateOptions
		want    string
		wantErr string
	}{
		{o: resourceCreateOptions{properties: `{"size": 3}`, tags: "a=1"}, want: `{"tags":{"a":"1"},"properties":{"size":3}}`},
		{o: resourceCreateOptions{properties: `[1]`}, wantErr: "--properties must be a JSON object"},
		{o: resourceCreateOptions{properties: `@/nonexistent.json`}, wantErr: "--properties"},
	} {
		body, err := resourceBody(tc.o)
		wantError(t, tc.o.properties, err, tc.wantErr)
		if err != nil {
			continue
		}
		if got, _ := body.MarshalJSON(); string(got) != tc.want {
			t.Errorf("%s: %s, want %s", tc.o.properties, got, tc.want)
		}
	}
}
