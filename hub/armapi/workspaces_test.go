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

package armapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kubearc/kubearc/hub/auth"
)

// TestBindingAWorkspaceNeedsWriteAccess: as Azure asks workspaces/sharedKeys/action for a
// workspace's keys, handing its token to a cluster needs Contributor on it; a Reader gets a
// 403 that says which role is needed.
func TestBindingAWorkspaceNeedsWriteAccess(t *testing.T) {
	const group = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/ops"
	const ws = group + "/providers/Microsoft.OperationalInsights/workspaces/logs"
	tests := []struct {
		name string
		p    auth.Principal
		ok   bool
	}{
		{"contributor of its group", auth.Principal{Name: "c", Role: auth.Contributor, Scope: group}, true},
		{"owner of the workspace", auth.Principal{Name: "o", Role: auth.Owner, Scope: ws}, true},
		{"reader of its group", auth.Principal{Name: "r", Role: auth.Reader, Scope: group}, false},
		{"contributor elsewhere", auth.Principal{Name: "e", Role: auth.Contributor, Scope: "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/other"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequestWithContext(auth.NewContext(t.Context(), tt.p), http.MethodPut, "/", nil)
			err := (&API{}).mayUseWorkspace(r)(ws)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ae *armError
			if !errors.As(err, &ae) || ae.status != http.StatusForbidden ||
				!strings.Contains(ae.message, "'Microsoft.OperationalInsights/workspaces/sharedKeys/action' over scope '"+ws+"'") ||
				!strings.Contains(ae.message, "ask for the Contributor role on the workspace") {
				t.Fatalf("got %v, want a 403 naming the action and the Contributor role", err)
			}
		})
	}
}
