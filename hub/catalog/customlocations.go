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

package catalog

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// CustomLocations is what an extension type offers on the custom locations it is part of:
// the ClusterRole its operator needs the custom-location identity to hold in a location's
// namespace, and the ARM resource types it serves there, each a custom resource.
type CustomLocations struct {
	// ClusterRole is bound, in the namespace of every custom location that includes the
	// extension, for protocol.CustomLocationIdentity.
	ClusterRole string `json:"clusterRole"`
	// ResourceTypes are the ARM types users create on such a location.
	ResourceTypes []ResourceType `json:"resourceTypes,omitempty"`
}

// ResourceType maps an ARM resource type to the custom resource that carries it in the
// cluster: a PUT of Type on a custom location becomes a Kind object of Group/Version in the
// location's namespace.
type ResourceType struct {
	// Type is the ARM type, e.g. Microsoft.KubearcSamples/widgets.
	Type string `json:"type"`
	// Group, Version, Kind and Resource (the plural) name the custom resource.
	Group    string `json:"group"`
	Version  string `json:"version"`
	Kind     string `json:"kind"`
	Resource string `json:"resource"`
}

// armTypeRE is an ARM resource type: a provider namespace and one type name.
var armTypeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+/[A-Za-z][A-Za-z0-9]*$`)

// kindRE is a Kubernetes kind.
var kindRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// validate checks what a catalog entry says about custom locations.
func (c *CustomLocations) validate() error {
	if errs := validation.IsDNS1123Subdomain(c.ClusterRole); len(errs) > 0 {
		return fmt.Errorf("customLocations.clusterRole %q: %s", c.ClusterRole, strings.Join(errs, "; "))
	}
	for _, rt := range c.ResourceTypes {
		if err := rt.validate(); err != nil {
			return fmt.Errorf("customLocations.resourceTypes %q: %w", rt.Type, err)
		}
	}
	return nil
}

func (rt *ResourceType) validate() error {
	switch {
	case !armTypeRE.MatchString(rt.Type):
		return fmt.Errorf("type must be an ARM resource type like Microsoft.Contoso/widgets")
	case len(validation.IsDNS1123Subdomain(rt.Group)) > 0 || !strings.Contains(rt.Group, "."):
		return fmt.Errorf("group %q must be a custom resource's API group, like samples.example.com", rt.Group)
	case len(validation.IsDNS1123Label(rt.Version)) > 0:
		return fmt.Errorf("version %q must be an API version like v1alpha1", rt.Version)
	case !kindRE.MatchString(rt.Kind):
		return fmt.Errorf("kind %q must be a Kubernetes kind like Widget", rt.Kind)
	case len(validation.IsDNS1123Label(rt.Resource)) > 0:
		return fmt.Errorf("resource %q must be the custom resource's plural, like widgets", rt.Resource)
	}
	return nil
}

// ResourceType returns the extension type that serves the ARM type armType on custom
// locations, and its mapping; false when no type in the catalog serves it.
func (c *Catalog) ResourceType(armType string) (*ExtensionType, *ResourceType, bool) {
	for _, t := range c.types {
		if t.CustomLocations == nil {
			continue
		}
		for i := range t.CustomLocations.ResourceTypes {
			if rt := &t.CustomLocations.ResourceTypes[i]; strings.EqualFold(rt.Type, armType) {
				return t, rt, true
			}
		}
	}
	return nil, nil, false
}
