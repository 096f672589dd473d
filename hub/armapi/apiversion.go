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

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
)

// apiVersions are the api-versions each resource type answers, oldest first.
var apiVersions = map[string][]string{
	typeConnectedClusters:   {"2021-10-01", "2024-01-01"},
	extensions.ResourceType: {extensionsAPIVersion},
	gitops.ResourceType:     {gitops.APIVersion},
}

// apiVersion returns the request's api-version after checking it is one the resource type
// supports; a missing or unknown one is a 400 that lists the supported versions.
func apiVersion(r *http.Request, resourceType string) (string, error) {
	supported := apiVersions[resourceType]
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

// canonicalSegments are the literal path segments of ARM routes. ARM paths are
// case-insensitive, Go's ServeMux is not: the router rewrites these segments to one spelling.
var canonicalSegments = map[string]string{}

func init() {
	for _, s := range []string{"subscriptions", "resourceGroups", "providers", "Microsoft.Kubernetes",
		"connectedClusters", "Microsoft.KubernetesConfiguration", "listClusterUserCredential",
		"extensions", "fluxConfigurations", "operations"} {
		canonicalSegments[strings.ToLower(s)] = s
	}
}

// canonicalPath rewrites the keyword segments of an ARM path to their canonical case and
// keeps names as they are. ARM paths alternate keyword and name
// (/subscriptions/{s}/resourceGroups/{g}/…), except that "providers" is followed by a
// namespace and then keyword/name pairs again.
func canonicalPath(p string) string {
	parts := strings.Split(p, "/")
	keyword := true
	for i := 1; i < len(parts); i++ {
		if !keyword {
			keyword = true
			continue
		}
		parts[i] = canonical(parts[i])
		if parts[i] == "providers" && i+1 < len(parts) {
			i++
			parts[i] = canonical(parts[i])
			continue
		}
		keyword = false
	}
	return strings.Join(parts, "/")
}

func canonical(segment string) string {
	if c, ok := canonicalSegments[strings.ToLower(segment)]; ok {
		return c
	}
	return segment
}
