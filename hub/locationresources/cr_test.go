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

package locationresources

import (
	"encoding/json"
	"testing"
)

func TestAppliedState(t *testing.T) {
	cases := []struct {
		name, status, state, message string
	}{
		{"no status", ``, StateSucceeded, ""},
		{"no Ready condition", `{"conditions":[{"type":"Available","status":"False"}]}`, StateSucceeded, ""},
		{"ready", `{"conditions":[{"type":"Ready","status":"True"}]}`, StateSucceeded, ""},
		{"reconciling", `{"conditions":[{"type":"Ready","status":"False"},{"type":"Reconciling","status":"True"}]}`, StateUpdating, ""},
		{"unknown", `{"conditions":[{"type":"Ready","status":"Unknown"}]}`, StateUpdating, ""},
		{"failed", `{"conditions":[{"type":"Ready","status":"False","message":"out of disk"}]}`, StateFailed, "out of disk"},
		{"status not an object", `"weird"`, StateUpdating, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			state, message := appliedState(json.RawMessage(tc.status), StateUpdating)
			if state != tc.state || message != tc.message {
				t.Fatalf("got %s %q, want %s %q", state, message, tc.state, tc.message)
			}
		})
	}
}
