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
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/pkg/armid"
)

// input is a PUT or PATCH body; nil is what it leaves out.
type input struct {
	Location   *string           `json:"location"`
	Tags       map[string]string `json:"tags"`
	Identity   *Identity         `json:"identity"`
	Properties *inputProperties  `json:"properties"`
}

type inputProperties struct {
	HostResourceID          *string         `json:"hostResourceId"`
	HostType                *string         `json:"hostType"`
	Namespace               *string         `json:"namespace"`
	DisplayName             *string         `json:"displayName"`
	ClusterExtensionIDs     *[]string       `json:"clusterExtensionIds"`
	Authentication          *Authentication `json:"authentication"`
	DeleteNamespaceOnDelete *bool           `json:"deleteNamespaceOnDelete"`
}

// Authentication is the write-only authentication of a custom location: stored sealed, never
// answered.
type Authentication struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Limits of what a custom location holds.
const (
	maxExtensions  = 20
	maxTags        = 50
	maxDisplayName = 256
)

// nameRE is a custom location's name.
var nameRE = regexp.MustCompile(`^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$`)

// extensionsSegment joins a cluster's ID and its extensions' names.
const extensionsSegment = "/providers/Microsoft.KubernetesConfiguration/extensions/"

// ValidateName checks a custom location's name.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return nested.Invalid("The custom location name '%s' must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.", name)
	}
	return nil
}

// validateHost checks hostResourceId and hostType.
func validateHost(p *inputProperties) error {
	if p.HostResourceID == nil || *p.HostResourceID == "" {
		return nested.Missing("The property 'properties.hostResourceId' is required: the ID of the connectedCluster that hosts the custom location.")
	}
	if _, err := armid.ParseClusterID(*p.HostResourceID); err != nil {
		return nested.Invalid("The property 'properties.hostResourceId' must be a connectedCluster's ID: %s.", err)
	}
	if p.HostType != nil && !strings.EqualFold(*p.HostType, HostTypeKubernetes) {
		return nested.Invalid("The property 'properties.hostType' must be 'Kubernetes', not '%s'.", *p.HostType)
	}
	return nil
}

// validateNamespace checks the namespace ns, which the property prop gave.
func validateNamespace(ns, prop string) error {
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		return nested.Invalid("The namespace '%s' (%s) must be a DNS label: %s; set 'properties.namespace' to one.", ns, prop, strings.Join(errs, "; "))
	}
	return nil
}

// validateExtensionIDs checks that every clusterExtensionIds entry is an extension of host.
func validateExtensionIDs(host string, ids []string) error {
	if len(ids) > maxExtensions {
		return nested.Invalid("The property 'properties.clusterExtensionIds' may name at most %d extensions.", maxExtensions)
	}
	prefix := strings.ToLower(host + extensionsSegment)
	for _, id := range ids {
		name, ok := strings.CutPrefix(strings.ToLower(id), prefix)
		if !ok || name == "" || strings.Contains(name, "/") {
			return nested.Invalid("The property 'properties.clusterExtensionIds' names '%s', which is not an extension of the host cluster '%s'; "+
				"name extensions as %s{name}.", id, host, host+extensionsSegment)
		}
	}
	return nil
}

// validateMeta checks the identity, tags and display name a body sets.
func validateMeta(in *input) error {
	if in.Identity != nil && !strings.EqualFold(in.Identity.Type, IdentityNone) && !strings.EqualFold(in.Identity.Type, IdentitySystemAssigned) {
		return nested.Invalid("The property 'identity.type' must be 'SystemAssigned' or 'None', not '%s'.", in.Identity.Type)
	}
	if len(in.Tags) > maxTags {
		return nested.Invalid("A custom location may have at most %d tags.", maxTags)
	}
	if p := in.Properties; p != nil && p.DisplayName != nil && len(*p.DisplayName) > maxDisplayName {
		return nested.Invalid("The property 'properties.displayName' must be at most %d characters.", maxDisplayName)
	}
	return nil
}

// immutable returns why a change of a stored location old to rec is refused.
func immutable(old, rec *Record) error {
	switch {
	case !strings.EqualFold(old.HostResourceID, rec.HostResourceID):
		return nested.Invalid("The property 'properties.hostResourceId' cannot change (it is '%s'); create another custom location for another cluster.", old.HostResourceID)
	case old.Namespace != rec.Namespace:
		return nested.Invalid("The property 'properties.namespace' cannot change (it is '%s'); create another custom location for another namespace.", old.Namespace)
	}
	return nil
}

// protectedOf is the authentication as protected settings, sealed by the registry.
func protectedOf(a *Authentication) map[string]string {
	if a == nil {
		return nil
	}
	return map[string]string{"authentication.type": a.Type, "authentication.value": a.Value}
}
