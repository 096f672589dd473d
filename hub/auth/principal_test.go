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
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPrincipalCan(t *testing.T) {
	const cluster = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c"
	tests := []struct {
		p      Principal
		action Action
		target string
		want   bool
	}{
		{p: Principal{Role: Reader, Scope: "/"}, action: Read, target: cluster, want: true},
		{p: Principal{Role: Reader, Scope: "/"}, action: Write, target: cluster},
		{p: Principal{Role: Contributor, Scope: "/subscriptions/s/resourceGroups/g"}, action: Write, target: cluster, want: true},
		{p: Principal{Role: Contributor, Scope: "/subscriptions/s/resourceGroups/g"}, action: Read, target: "/subscriptions/s/resourceGroups/g2"},
		{p: Principal{Role: Contributor, Scope: "/subscriptions/s"}, action: Admin, target: "/subscriptions/s"},
		{p: Principal{Role: Owner, Scope: "/subscriptions/s"}, action: Admin, target: "/subscriptions/s", want: true},
		{p: Principal{Role: Owner, Scope: "/subscriptions/s"}, action: Read, target: "/subscriptions/t"},
		{p: Principal{}, action: Read, target: cluster},
	}
	for _, tt := range tests {
		if got := tt.p.Can(tt.action, tt.target); got != tt.want {
			t.Errorf("%s at %q Can(%s, %q) = %v, want %v", tt.p.Role, tt.p.Scope, tt.action, tt.target, got, tt.want)
		}
	}
}

func TestCheckGrant(t *testing.T) {
	subOwner := Principal{Role: Owner, Scope: "/subscriptions/s"}
	tests := []struct {
		name          string
		p             Principal
		role          Role
		scope         string
		wantErr       string
		wantForbidden bool
	}{
		{name: "root owner grants anything", p: Principal{Role: Owner, Scope: "/"}, role: Owner, scope: "/"},
		{name: "owner grants within scope", p: subOwner, role: Contributor, scope: "/subscriptions/S/resourceGroups/g"},
		{name: "owner grants own scope", p: subOwner, role: Owner, scope: "/subscriptions/s/"},
		{name: "owner grants outside scope", p: subOwner, role: Reader, scope: "/subscriptions/t",
			wantErr: "scope /subscriptions/t is outside this token's scope /subscriptions/s", wantForbidden: true},
		{name: "owner grants root", p: subOwner, role: Reader, scope: "/", wantErr: "outside this token's scope", wantForbidden: true},
		{name: "contributor grants", p: Principal{Role: Contributor, Scope: "/"}, role: Reader, scope: "/",
			wantErr: "managing tokens needs the Owner role; this token is Contributor", wantForbidden: true},
		{name: "invalid scope", p: subOwner, role: Reader, scope: "/subscriptions/s/x", wantErr: "must be /"},
		{name: "invalid role", p: subOwner, role: "God", scope: "/subscriptions/s", wantErr: "role \"God\" is not valid"},
	}
	for _, tt := range tests {
		err := tt.p.CheckGrant(tt.role, tt.scope)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: CheckGrant: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
		if got := errors.Is(err, ErrForbidden); got != tt.wantForbidden {
			t.Errorf("%s: errors.Is(ErrForbidden) = %v, want %v", tt.name, got, tt.wantForbidden)
		}
	}
}

func TestPrincipalContext(t *testing.T) {
	if _, ok := PrincipalFrom(context.Background()); ok {
		t.Error("PrincipalFrom found a principal in an empty context")
	}
	want := Principal{TokenID: "id", Name: "n", Role: Reader, Scope: "/"}
	if got, ok := PrincipalFrom(NewContext(context.Background(), want)); !ok || got != want {
		t.Errorf("PrincipalFrom = %+v, %v; want %+v", got, ok, want)
	}
}
