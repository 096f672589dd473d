/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package auth

import (
	"fmt"
	"regexp"
	"strings"
)

// RootScope covers every resource.
const RootScope = "/"

// Name rules of subscriptions and resource groups, as in pkg/armid.
var (
	subscriptionRE  = regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`)
	resourceGroupRE = regexp.MustCompile(`^[-\w.()]{0,89}[-\w()]$`)
)

const scopeForms = "/, /subscriptions/{subscription} or /subscriptions/{subscription}/resourceGroups/{group}"

// ParseScope validates a scope and returns its canonical form: "/",
// "/subscriptions/{s}" or "/subscriptions/{s}/resourceGroups/{g}", with the keywords' ARM
// spelling, the names' case kept and no trailing slash.
func ParseScope(s string) (string, error) {
	if s == RootScope {
		return RootScope, nil
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(s, "/"), "/"), "/")
	switch {
	case !strings.HasPrefix(s, "/") || (len(parts) != 2 && len(parts) != 4) ||
		!strings.EqualFold(parts[0], "subscriptions") ||
		(len(parts) == 4 && !strings.EqualFold(parts[2], "resourceGroups")):
		return "", fmt.Errorf("scope %q must be %s", s, scopeForms)
	case !subscriptionRE.MatchString(parts[1]):
		return "", fmt.Errorf("scope %q: subscription %q must be 1-64 letters, digits or '-'", s, parts[1])
	case len(parts) == 2:
		return "/subscriptions/" + parts[1], nil
	case !resourceGroupRE.MatchString(parts[3]):
		return "", fmt.Errorf("scope %q: resource group %q must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and not end in '.'", s, parts[3])
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
