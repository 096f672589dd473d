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
)

// ErrLocationNotFound is what Locations.Lookup answers for a custom location that does not exist.
var ErrLocationNotFound = errors.New("custom location not found")

// Location is what a resource on a custom location needs to know of it.
type Location struct {
	// ID is the customLocation's ARM ID.
	ID string
	// Cluster is its hostResourceId: the connectedCluster it targets.
	Cluster string
	// Namespace is the namespace of the cluster it targets.
	Namespace string
	// ProvisioningState is the location's; resources go only on a Succeeded one.
	ProvisioningState string
	// ExtensionTypes are the types of its clusterExtensionIds' extensions.
	ExtensionTypes []string
	// Version is the stored version of the location as looked up; a resource is stored only
	// while the location is still at it (store.Precondition.With). Empty: no such condition.
	Version string
}

// Locations finds custom locations.
type Locations interface {
	// Lookup returns the custom location id, or ErrLocationNotFound.
	Lookup(ctx context.Context, id string) (*Location, error)
}
