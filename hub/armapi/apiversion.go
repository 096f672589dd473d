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
	"slices"
	"strings"
)

// clusterAPIVersions are the api-versions connectedClusters answer, oldest first.
var clusterAPIVersions = []string{apiVersion2021, "2024-01-01"}

// checkAPIVersion returns the request's api-version after checking it is one of supported;
// a missing or unknown one is a 400 that lists the supported versions.
func checkAPIVersion(r *http.Request, resourceType string, supported []string) (string, error) {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		return "", badRequest(codeMissingAPIVersion,
			"The api-version query parameter (?api-version=) is required for all requests. Supported api-versions for '%s' are '%s'.",
			resourceType, strings.Join(supported, ", "))
	}
	if !slices.Contains(supported, v) {
		return "", badRequest(codeInvalidAPIVersion,
			"The resource type '%s' does not support api-version '%s'. Supported api-versions are '%s'.",
			resourceType, v, strings.Join(supported, ", "))
	}
	return v, nil
}

// canonicalizer rewrites the literal segments of ARM routes to one spelling: ARM paths are
// case-insensitive, Go's ServeMux is not.
type canonicalizer map[string]string

// newCanonicalizer knows the segments of the routes of connectedClusters and operations.
func newCanonicalizer() canonicalizer {
	c := canonicalizer{}
	c.add("subscriptions", "resourceGroups", "providers", "Microsoft.Kubernetes", "connectedClusters",
		"listClusterUserCredential", "operations")
	return c
}

// add adds literal segments; a resource type adds its namespace and type segments.
func (c canonicalizer) add(segments ...string) {
	for _, s := range segments {
		for _, part := range strings.Split(s, "/") {
			c[strings.ToLower(part)] = part
		}
	}
}

// path rewrites the keyword segments of an ARM path to their canonical case and keeps names
// as they are. ARM paths alternate keyword and name (/subscriptions/{s}/resourceGroups/{g}/…),
// except that "providers" is followed by a namespace and then keyword/name pairs again.
func (c canonicalizer) path(p string) string {
	parts := strings.Split(p, "/")
	keyword := true
	for i := 1; i < len(parts); i++ {
		if !keyword {
			keyword = true
			continue
		}
		parts[i] = c.segment(parts[i])
		if parts[i] == "providers" && i+1 < len(parts) {
			i++
			parts[i] = c.segment(parts[i])
			continue
		}
		keyword = false
	}
	return strings.Join(parts, "/")
}

func (c canonicalizer) segment(s string) string {
	if canonical, ok := c[strings.ToLower(s)]; ok {
		return canonical
	}
	return s
}
