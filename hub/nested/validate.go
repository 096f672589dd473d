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

package nested

import (
	"regexp"
	"strings"
)

// maxLocationLength bounds a location name; Azure's longest is about 20 characters.
const maxLocationLength = 64

// locationRE is an ARM location: a name such as "westeurope" or "eastus2", or its display
// form with single spaces ("West Europe").
var locationRE = regexp.MustCompile(`^[A-Za-z0-9]+( [A-Za-z0-9]+)*$`)

// ValidateLocation checks the location of a resource; it is required.
func ValidateLocation(location string) error {
	if strings.TrimSpace(location) == "" {
		return Missing("The property 'location' is required, for example \"westeurope\".")
	}
	if len(location) > maxLocationLength || !locationRE.MatchString(location) {
		return Invalid("The property 'location' must be at most %d letters and digits (words may be separated by single spaces), for example \"westeurope\".",
			maxLocationLength)
	}
	return nil
}

// ValidateTags checks the tags of a resource as ARM limits them.
func ValidateTags(tags map[string]string) error {
	if len(tags) > 50 {
		return Invalid("The property 'tags' has %d tags; at most 50 are allowed.", len(tags))
	}
	for k, v := range tags {
		if k == "" || len(k) > 512 || strings.ContainsAny(k, "<>%&\\?/") {
			return Invalid("The tag name '%s' must be 1-512 characters without < > %% & \\ ? /.", k)
		}
		if len(v) > 256 {
			return Invalid("The value of tag '%s' is longer than 256 characters.", k)
		}
	}
	return nil
}
