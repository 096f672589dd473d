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
	"net/http"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/armid"
)

// validateLocation checks the location of a resource (nested.ValidateLocation, which the
// hub's other resources share).
func validateLocation(location string) error { return asBadRequest(nested.ValidateLocation(location)) }

// asBadRequest is the armError of a shared validation's error (nil for none), as this
// package's validations return theirs.
func asBadRequest(err error) error {
	if err == nil {
		return nil
	}
	return asARMError(err)
}

// validateScopePath checks the subscription and, when the route has one, the resource group
// of the request path, so that a listing of an invalid scope is a 400, not an empty list.
func validateScopePath(r *http.Request) error {
	if err := armid.ValidateSubscription(r.PathValue("sub")); err != nil {
		return badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
	}
	if rg := r.PathValue("rg"); rg != "" {
		if err := armid.ValidateResourceGroup(rg); err != nil {
			return badRequest(codeInvalidParameter, "The resource ID is invalid: %s.", err)
		}
	}
	return nil
}
