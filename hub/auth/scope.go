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
	"fmt"
	"strings"

	"github.com/kubearc/kubearc/pkg/armid"
)

// RootScope covers every resource.
const RootScope = "/"

const scopeForms = "/, /subscriptions/{subscription} or /subscriptions/{subscription}/resourceGroups/{group}"

// ParseScope validates a scope and returns its canonical form: "/",
// "/subscriptions/{s}" or "/subscriptions/{s}/resourceGroups/{g}", with the keywords' ARM
// spelling, the names' case kept and no trailing slash.
func ParseScope(s string) (string, error) {
	if s == RootScope {
		return RootScope, nil
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(s, "/"), "/"), "/")
	if !strings.HasPrefix(s, "/") || (len(parts) != 2 && len(parts) != 4) ||
		!strings.EqualFold(parts[0], "subscriptions") ||
		(len(parts) == 4 && !strings.EqualFold(parts[2], "resourceGroups")) {
		return "", fmt.Errorf("scope %q must be %s", s, scopeForms)
	}
	if err := armid.ValidateSubscription(parts[1]); err != nil {
		return "", fmt.Errorf("scope %q: %w", s, err)
	}
	if len(parts) == 2 {
		return "/subscriptions/" + parts[1], nil
	}
	if err := armid.ValidateResourceGroup(parts[3]); err != nil {
		return "", fmt.Errorf("scope %q: %w", s, err)
	}
	return "/subscriptions/" + parts[1] + "/resourceGroups/" + parts[3], nil
}

// Covers reports whether resourceID (a resource ID or a scope) lies within scope, comparing
// whole path segments without regard to case: /subscriptions/a covers
// /subscriptions/A/resourceGroups/g but not /subscriptions/ab. A resource ID with empty, "."
// or ".." segments is covered only by "/".
func Covers(scope, resourceID string) bool {
	if scope == RootScope {
		return true
	}
	want, ok := segments(scope)
	if !ok || len(want) == 0 {
		return false
	}
	have, ok := segments(resourceID)
	if !ok || len(have) < len(want) {
		return false
	}
	for i := range want {
		if !strings.EqualFold(want[i], have[i]) {
			return false
		}
	}
	return true
}

// segments splits an absolute path, tolerating one trailing slash; ok is false for a relative
// path or one with empty, "." or ".." segments.
func segments(path string) ([]string, bool) {
	if !strings.HasPrefix(path, "/") {
		return nil, false
	}
	path = strings.TrimSuffix(path[1:], "/")
	if path == "" {
		return nil, true
	}
	parts := strings.Split(path, "/")
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return nil, false
		}
	}
	return parts, true
}
