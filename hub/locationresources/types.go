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

// Package locationresources projects ARM resources created on a custom location into the
// location's cluster: a PUT of a type that an extension of the location serves (the catalog's
// customLocations.resourceTypes) becomes that custom resource in the location's namespace,
// applied through the cluster's tunnel as protocol.CustomLocationIdentity, so that the
// cluster's RBAC bounds what the hub can do there. The projection is generic: the resource's
// properties are the CR's spec, the CR's status comes back as properties.status, and no type
// has Go code of its own. docs/custom-locations.md has more.
package locationresources

import (
	"encoding/json"
	"time"

	"github.com/kubearc/kubearc/hub/nested"
)

// ExtendedLocationType is the only extendedLocation type resources on a custom location have.
const ExtendedLocationType = "CustomLocation"

// Provisioning states of a resource on a custom location.
const (
	StateCreating  = "Creating"
	StateUpdating  = "Updating"
	StateSucceeded = "Succeeded"
	StateFailed    = "Failed"
	StateDeleting  = "Deleting"
)

// ExtendedLocation names the custom location a resource lives on.
type ExtendedLocation struct {
	// Type is ExtendedLocationType.
	Type string `json:"type"`
	// Name is the customLocation's ARM ID.
	Name string `json:"name"`
}

// Input is the body of a PUT.
type Input struct {
	ExtendedLocation *ExtendedLocation `json:"extendedLocation"`
	Location         string            `json:"location"`
	Tags             map[string]string `json:"tags,omitempty"`
	Properties       map[string]any    `json:"properties"`
}

// Doc is a resource on a custom location as the API answers it.
type Doc struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Type             string            `json:"type"`
	ExtendedLocation ExtendedLocation  `json:"extendedLocation"`
	Location         string            `json:"location,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	// Properties are the stored spec, with provisioningState, the CR's status as status, and
	// provisioningError when it failed.
	Properties map[string]any `json:"properties"`
	// SystemData marks a resource made in the cluster (createdByType Cluster); nil for one
	// made through the API.
	SystemData *nested.SystemData `json:"systemData,omitempty"`
}

// List is a listing.
type List struct {
	Value    []*Doc `json:"value"`
	NextLink string `json:"nextLink,omitempty"`
}

// Phases of a stored resource: what the hub still has to do in the cluster.
const (
	// phasePending: the CR is still to be applied (the cluster was offline).
	phasePending = "Pending"
	// phaseApplied: the CR was applied; its status says the rest.
	phaseApplied = "Applied"
	// phaseFailed: the cluster refused the CR, or it could not be applied in time.
	phaseFailed = "Failed"
	// phaseDeleting: the CR is still to be deleted (the cluster was offline).
	phaseDeleting = "Deleting"
)

// record is what the store holds of a resource on a custom location.
type record struct {
	Name             string            `json:"name"`
	Type             string            `json:"type"`
	ExtendedLocation ExtendedLocation  `json:"extendedLocation"`
	Location         string            `json:"location"`
	Tags             map[string]string `json:"tags,omitempty"`
	Spec             map[string]any    `json:"spec"`
	// Cluster and Namespace are where the CR lives: the location's.
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	Phase     string `json:"phase"`
	// Operation is StateCreating or StateUpdating: what the last PUT started.
	Operation string `json:"operation"`
	// PendingSince is when the last PUT or DELETE was accepted; a pending one times out.
	PendingSince time.Time `json:"pendingSince"`
	// Error says why the resource failed.
	Error string `json:"error,omitempty"`
	// Status is the CR's status as last seen.
	Status json.RawMessage `json:"status,omitempty"`
}
