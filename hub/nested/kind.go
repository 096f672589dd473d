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

package nested

import (
	"context"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Kind is what a nested kind's own package implements: P is the pointer to its record type,
// D its ARM document as answered. Register it once with a Registry.
type Kind[P Record, D any] interface {
	// Names names the kind.
	Names() Names
	// ValidateName checks a resource name (an InvalidError when it is not one).
	ValidateName(name string) error
	// Put validates a PUT body, read with decode, and returns the change it asks for.
	Put(decode Decoder) (Change[P], error)
	// Patch validates a PATCH body, read with decode, and returns the change it asks for.
	Patch(decode Decoder) (Change[P], error)
	// Desired returns the spec of rec's desired object, with its protected settings sealed
	// for the cluster's agent ("" when none).
	Desired(rec P, protected string) (any, error)
	// Render returns rec's document with the state the agent reported: st (nil when none)
	// describes the desired object at st.ObservedResourceVersion, desiredRV is the current one.
	Render(rec P, desiredRV string, st *protocol.ObjectStatus) D
	// ClusterOwned renders a resource applied in the cluster (not through the hub) from its
	// status; false when st is not one.
	ClusterOwned(clusterID string, st protocol.ObjectStatus) (D, bool)
	// State returns a document's provisioningState and, when it failed, what the agent said.
	State(doc D) (provisioningState, failure string)
	// Page returns the listing document of docs.
	Page(docs []D) any
}

// Decoder reads a request body into v; its errors are answered as they are.
type Decoder func(v any) error

// Change makes the record a validated request asks for from the stored record old (nil when
// new) and, for a PATCH, its protected settings. It returns the record's content and its
// protected settings; the registry fills in Meta and seals them.
type Change[P any] func(old P, protected map[string]string) (P, map[string]string, error)

// Creator is a kind that acts before a resource of it is first stored, e.g. to add what it
// depends on. Its errors are answered as they are.
type Creator interface {
	Creating(ctx context.Context, req Request, now time.Time) error
}

// Deleter is a kind that may refuse to delete one of its resources, e.g. while others depend
// on it. Its errors are answered as they are.
type Deleter interface {
	Deleting(ctx context.Context, req Request, id string) error
}

// Refresher is a kind whose stored resources follow something that may change between two
// starts of the hub, e.g. the catalog's newest version on a release train. At start-up the
// registry calls Refresh on each of a cluster's resources that is not being deleted and
// stores those it changed as Updating.
type Refresher[P any] interface {
	Refresh(rec P) (changed bool)
}
