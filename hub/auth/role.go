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

// Package auth authenticates the hub's users with bearer tokens and authorizes them with a
// role (Reader, Contributor, Owner) at a scope ("/", a subscription or a resource group).
// Only the SHA-256 of a token's secret is stored.
package auth

import (
	"fmt"
	"strings"
)

// Role is what a token may do within its scope.
type Role string

// Roles, from least to most powerful.
const (
	// Reader may read resources.
	Reader Role = "Reader"
	// Contributor may read and write resources.
	Contributor Role = "Contributor"
	// Owner may also manage tokens.
	Owner Role = "Owner"
)

// ParseRole parses a role name, ignoring case.
func ParseRole(s string) (Role, error) {
	for _, r := range []Role{Reader, Contributor, Owner} {
		if strings.EqualFold(s, string(r)) {
			return r, nil
		}
	}
	return "", invalidRole(s)
}

func invalidRole(s string) error {
	return fmt.Errorf("role %q is not valid; use one of %s, %s or %s", s, Reader, Contributor, Owner)
}

// rank orders the roles; an unknown role ranks 0 and may do nothing.
func (r Role) rank() int {
	switch r {
	case Reader:
		return 1
	case Contributor:
		return 2
	case Owner:
		return 3
	}
	return 0
}

// Action is a kind of request a role may be allowed.
type Action string

// Actions and the least role each needs.
const (
	// Read reads resources; Reader and above.
	Read Action = "read"
	// Write creates, updates or deletes resources; Contributor and above.
	Write Action = "write"
	// Admin manages tokens; Owner only.
	Admin Action = "admin"
)

// minRole is the least role allowed an action, empty for an unknown action.
func (a Action) minRole() Role {
	switch a {
	case Read:
		return Reader
	case Write:
		return Contributor
	case Admin:
		return Owner
	}
	return ""
}

// Allows reports whether the role may perform the action. Unknown roles and actions allow
// nothing.
func (r Role) Allows(a Action) bool {
	least := a.minRole()
	return least != "" && r.rank() > 0 && r.rank() >= least.rank()
}
