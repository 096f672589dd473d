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

package catalog

import (
	"strings"
	"testing"
)

func TestWorkspaceSetting(t *testing.T) {
	agent := "agent: {chart: {repository: oci://r.example/c, name: a}, releaseTrains: [{name: Stable, versions: [0.1.0]}]}\n"
	entry := func(setting string) string {
		return agent + "extensionTypes: [{name: mon, workspaceSetting: '" + setting +
			"', chart: {repository: https://c.example, name: m}, releaseTrains: [{name: Stable, versions: [1.0.0]}]}]"
	}
	tests := []struct{ name, setting, want, wantErr string }{
		{"named", "logAnalyticsWorkspaceResourceID", "logAnalyticsWorkspaceResourceID", ""},
		{"none", "", "", ""},
		{"reserved prefix", "workspace.id", "", `workspaceSetting "workspace.id" must not start with "workspace."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(entry(tt.setting)), "test.yaml")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			typ, err := c.Type("mon")
			if err != nil || typ.WorkspaceSetting != tt.want {
				t.Fatalf("WorkspaceSetting = %q (%v), want %q", typ.WorkspaceSetting, err, tt.want)
			}
		})
	}
}
