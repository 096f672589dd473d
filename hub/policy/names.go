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

package policy

import (
	"regexp"
	"strings"

	"github.com/kubearc/kubearc/hub/nested"
)

// ARM resource types and api-versions.
const (
	// DefinitionType is the ARM type of a policy definition.
	DefinitionType = "Microsoft.Authorization/policyDefinitions"
	// AssignmentType is the ARM type of a policy assignment.
	AssignmentType = "Microsoft.Authorization/policyAssignments"
	// ModeKubernetes is the mode of the definitions that are pushed to clusters.
	ModeKubernetes = "Microsoft.Kubernetes.Data"
)

// APIVersions are the api-versions of policy definitions and assignments, oldest first: the
// Azure SDK for Go's armpolicy v1.0.0 sends 2025-03-01.
var APIVersions = []string{"2023-04-01", "2025-03-01"}

// Policy types of a definition (properties.policyType).
const (
	PolicyTypeBuiltIn = "BuiltIn"
	PolicyTypeCustom  = "Custom"
)

const (
	// providers is the path segment between a scope and the policy resource types.
	providers = "/providers/"
	// clusterType is the ARM type of a connectedCluster.
	clusterType = "Microsoft.Kubernetes/connectedClusters"
	// maxNameLength bounds a definition's or an assignment's name, as Azure does.
	maxNameLength = 64
)

// badName matches what Azure refuses in a policy definition or assignment name.
var badName = regexp.MustCompile(`[<>*%&:\\?.+/#|"\x00-\x1f]`)

// ValidateName checks the name of a definition or assignment (noun names it in the message).
func ValidateName(noun, name string) error {
	switch {
	case name == "" || strings.TrimSpace(name) != name:
		return nested.Invalid("The %s name '%s' is invalid: it must not be empty or start or end with a space.", noun, name)
	case len(name) > maxNameLength:
		return nested.Invalid("The %s name '%s' is invalid: it is longer than %d characters.", noun, name, maxNameLength)
	case badName.MatchString(name):
		return nested.Invalid("The %s name '%s' is invalid: it must not contain any of < > * %% & : \\ ? . + / # | \" or control characters.", noun, name)
	}
	return nil
}
