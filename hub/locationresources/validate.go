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

package locationresources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubearc/kubearc/hub/catalog"
)

// deployAction is the action Azure checks on a custom location before a resource goes on it.
const deployAction = "Microsoft.ExtendedLocation/customLocations/deploy/action"

// resourceType returns the catalog's mapping of the request's type: 400 NoRegisteredProviderFound
// for a provider namespace no extension type serves, InvalidResourceType for an unknown type
// of a known namespace.
func (s *Service) resourceType(req Request) (*catalog.ExtensionType, *catalog.ResourceType, error) {
	if ext, rt, ok := s.catalog.ResourceType(req.ARMType()); ok {
		return ext, rt, nil
	}
	for _, t := range armTypes(s.catalog) {
		if ns, _, _ := strings.Cut(t, "/"); strings.EqualFold(ns, req.Namespace) {
			return nil, nil, newError(http.StatusBadRequest, "InvalidResourceType",
				"The resource type '%s' could not be found in the namespace '%s'.", req.Type, req.Namespace)
		}
	}
	return nil, nil, newError(http.StatusBadRequest, "NoRegisteredProviderFound",
		"No registered resource provider found for namespace '%s': no extension type of the hub's catalog serves it.", req.Namespace)
}

// armTypes are the ARM types that extension types of cat serve on custom locations.
func armTypes(cat *catalog.Catalog) []string {
	types := make([]string, 0, len(cat.Types()))
	for _, t := range cat.Types() {
		types = append(types, servedTypes(t)...)
	}
	return types
}

// servedTypes are the ARM types t serves on custom locations.
func servedTypes(t *catalog.ExtensionType) []string {
	if t.CustomLocations == nil {
		return nil
	}
	types := make([]string, 0, len(t.CustomLocations.ResourceTypes))
	for _, rt := range t.CustomLocations.ResourceTypes {
		types = append(types, rt.Type)
	}
	return types
}

// validateInput checks a PUT's name and body.
func validateInput(name string, in *Input) error {
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return invalid("The resource name '%s' must be a Kubernetes object name (lower-case letters, digits, '-' and '.'): %s.", name, strings.Join(errs, "; "))
	}
	switch {
	case in.ExtendedLocation == nil || in.ExtendedLocation.Name == "":
		return newError(http.StatusBadRequest, "MissingRequiredProperty",
			"The property 'extendedLocation' is required: {\"type\": \"CustomLocation\", \"name\": \"<custom location ID>\"}.")
	case !strings.EqualFold(in.ExtendedLocation.Type, ExtendedLocationType):
		return invalid("The property 'extendedLocation.type' must be '%s', not '%s'.", ExtendedLocationType, in.ExtendedLocation.Type)
	}
	return nil
}

// location returns the request's custom location once the caller may deploy to it, it is
// Succeeded and one of its extensions serves ext's types.
func (s *Service) location(ctx context.Context, req Request, id string, ext *catalog.ExtensionType) (*Location, error) {
	if !req.CanWrite(id) {
		return nil, newError(http.StatusForbidden, "AuthorizationFailed",
			"The client '%s' does not have authorization to perform action '%s' over scope '%s'.", req.By, deployAction, id)
	}
	loc, err := s.locations.Lookup(ctx, id)
	switch {
	case errors.Is(err, ErrLocationNotFound):
		return nil, invalid("The custom location '%s' named by 'extendedLocation.name' does not exist.", id)
	case err != nil:
		return nil, fmt.Errorf("looking up custom location %s: %w", id, err)
	case loc.ProvisioningState != StateSucceeded:
		return nil, conflict("The custom location '%s' is %s; resources go on it once it is Succeeded.", id, loc.ProvisioningState)
	}
	enabled := s.enabledTypes(loc)
	if !slices.ContainsFunc(enabled, func(t string) bool { return strings.EqualFold(t, req.ARMType()) }) {
		return nil, invalid("The resource type '%s' is not enabled on the custom location '%s': add an extension of type '%s' to it. Enabled types: [%s].",
			req.ARMType(), id, ext.Name, strings.Join(enabled, ", "))
	}
	return loc, nil
}

// enabledTypes are the ARM types the extensions of loc serve.
func (s *Service) enabledTypes(loc *Location) []string {
	var types []string
	for _, name := range loc.ExtensionTypes {
		if t, err := s.catalog.Type(name); err == nil {
			types = append(types, servedTypes(t)...)
		}
	}
	return types
}
