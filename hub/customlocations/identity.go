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
	"strings"

	"github.com/google/uuid"
)

// TenantID is the tenant of the identities of custom locations: the hub is one tenant.
const TenantID = "00000000-0000-0000-0000-000000000000"

// identity returns a location's identity after a write that asks for asked (nil: unchanged
// by a PATCH, none by a PUT) over old (nil when new). A system-assigned identity keeps its
// principal while it stays.
func identity(old *Record, asked *Identity, put bool) *Identity {
	var was *Identity
	if old != nil {
		was = old.Identity
	}
	switch {
	case asked == nil && !put:
		return was
	case asked == nil || strings.EqualFold(asked.Type, IdentityNone):
		return nil
	case was != nil:
		return was
	}
	return &Identity{Type: IdentitySystemAssigned, PrincipalID: uuid.NewString(), TenantID: TenantID}
}
