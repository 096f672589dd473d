// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import "strings"

// Applies reports whether an assignment at scope with notScopes applies to the cluster
// clusterID: the cluster is within scope and within none of notScopes. IDs compare as ARM
// does, without regard to case, and only at segment boundaries: /subscriptions/s covers
// /subscriptions/S/resourceGroups/g but not /subscriptions/s2. It allocates nothing, so that
// the hub can match every cluster against every assignment.
func Applies(scope string, notScopes []string, clusterID string) bool {
	if scope == "" || !within(scope, clusterID) {
		return false
	}
	for _, ns := range notScopes {
		if ns != "" && within(ns, clusterID) {
			return false
		}
	}
	return true
}

// within reports whether id is scope or lies below it.
func within(scope, id string) bool {
	scope = strings.TrimSuffix(scope, "/")
	if len(id) < len(scope) || !strings.EqualFold(id[:len(scope)], scope) {
		return false
	}
	return len(id) == len(scope) || id[len(scope)] == '/'
}
