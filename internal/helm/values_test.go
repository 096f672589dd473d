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

package helm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestValues(t *testing.T) {
	tests := []struct {
		name      string
		settings  map[string]string
		protected map[string]string
		want      string // JSON
		wantErr   string
	}{
		{name: "none", want: `{}`},
		{name: "dotted keys nest", settings: map[string]string{"image.tag": "v2", "image.repository": "r"},
			want: `{"image":{"repository":"r","tag":"v2"}}`},
		{name: "typed as with --set", settings: map[string]string{"replicas": "3", "enabled": "true", "zero": "0", "octal": "0755"},
			want: `{"enabled":true,"octal":"0755","replicas":3,"zero":0}`},
		{name: "commas and braces stay in one value", settings: map[string]string{"a": "x,y=z", "b": "{p,q}", "c": `back\slash`},
			want: `{"a":"x,y=z","b":"{p,q}","c":"back\\slash"}`},
		{name: "list index", settings: map[string]string{"hosts[0]": "a", "hosts[1]": "b"}, want: `{"hosts":["a","b"]}`},
		{name: "protected win", settings: map[string]string{"auth.password": "public", "auth.user": "u"},
			protected: map[string]string{"auth.password": "s3cret"}, want: `{"auth":{"password":"s3cret","user":"u"}}`},
		{name: "malformed index", settings: map[string]string{"a[x": "v"}, wantErr: `setting "a[x" is not a valid Helm value`},
		{name: "empty path segment", settings: map[string]string{"a..b": "v"}, wantErr: `setting "a..b" is not a valid Helm value`},
		{name: "bad key", settings: map[string]string{"a=b": "x"}, wantErr: `setting key "a=b" is not a Helm value path`},
		{name: "bad protected key never shows the value", protected: map[string]string{"a..b": "s3cret-value"},
			wantErr: `protected setting "a..b" is not a valid Helm value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Values(tt.settings, tt.protected)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Values() error = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("the error shows a protected value: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Values() error = %v", err)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			gotJSON, _ := json.Marshal(got)
			var gotBack map[string]any
			_ = json.Unmarshal(gotJSON, &gotBack)
			if !reflect.DeepEqual(gotBack, want) {
				t.Errorf("Values() = %s, want %s", gotJSON, tt.want)
			}
		})
	}
}
