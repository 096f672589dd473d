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
	"regexp"
	"strings"

	"github.com/kubearc/kubearc/pkg/armid"
)

// maxLocationLength bounds a location name; Azure's longest is about 20 characters.
const maxLocationLength = 64

// locationRE is an ARM location: a name such as "westeurope" or "eastus2", or its display
// form with single spaces ("West Europe").
var locationRE = regexp.MustCompile(`^[A-Za-z0-9]+( [A-Za-z0-9]+)*$`)

// validateLocation checks the location of a resource.
func validateLocation(location string) error {
	if strings.TrimSpace(location) == "" {
		return badRequest(codeMissingProperty, "The property 'location' is required, for example \"westeurope\".")
	}
	if len(location) > maxLocationLength || !locationRE.MatchString(location) {
		return badRequest(codeInvalidParameter,
			"The property 'location' must be at most %d letters and digits (words may be separated by single spaces), for example \"westeurope\".",
			maxLocationLength)
	}
	return nil
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
