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

package auth

import (
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in      string
		want    Role
		wantErr bool
	}{
		{in: "Reader", want: Reader},
		{in: "contributor", want: Contributor},
		{in: "OWNER", want: Owner},
		{in: "admin", wantErr: true},
		{in: "", wantErr: true},
		{in: " Owner", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "use one of Reader, Contributor or Owner") {
				t.Errorf("ParseRole(%q) error = %v, want one listing the valid roles", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		role               Role
		read, write, admin bool
	}{
		{role: Reader, read: true},
		{role: Contributor, read: true, write: true},
		{role: Owner, read: true, write: true, admin: true},
		{role: "reader"},
		{role: ""},
	}
	for _, tt := range tests {
		for action, want := range map[Action]bool{Read: tt.read, Write: tt.write, Admin: tt.admin} {
			if got := tt.role.Allows(action); got != want {
				t.Errorf("%q.Allows(%s) = %v, want %v", tt.role, action, got, want)
			}
		}
		if tt.role.Allows("delete") {
			t.Errorf("%q allows an unknown action", tt.role)
		}
	}
}
