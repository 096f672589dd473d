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
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is what Lookup answers for a custom location that does not exist (or is not a
// custom location's ID).
var ErrNotFound = errors.New("custom location not found")

// Location is what the hub knows of a custom location, for the resources made on it.
type Location struct {
	// ID is the location's ARM ID as stored.
	ID string
	// Cluster is the ID of its host connectedCluster, as stored.
	Cluster string
	// Namespace is the namespace of the host it targets.
	Namespace string
	// ProvisioningState is the location's, as GET shows it: Succeeded once the agent made the
	// namespace and its RoleBindings for the current spec.
	ProvisioningState string
	// Extensions are its clusterExtensionIds and their types.
	Extensions []Extension
	// Version is the stored version of the record read: a write conditional on it fails once
	// the location changed, e.g. was marked Deleting (store.Precondition.With).
	Version string
}

// Directory finds custom locations by ID.
type Directory struct {
	Service *Service
}

// Lookup returns the custom location id; an error wrapping ErrNotFound when there is none.
// The location is read once: its provisioningState is rendered from that record.
func (d Directory) Lookup(ctx context.Context, id string) (*Location, error) {
	if _, _, ok := splitID(id); !ok {
		return nil, fmt.Errorf("%w: %q is not a custom location's ID", ErrNotFound, id)
	}
	rec, err := d.Service.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	doc, err := d.Service.Render(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &Location{ID: rec.ID, Cluster: rec.Host, Namespace: rec.Namespace, ProvisioningState: doc.Properties.ProvisioningState,
		Extensions: rec.Extensions, Version: rec.ETag}, nil
}

// splitID splits a custom location's ID into its resource group's ID and its name.
func splitID(id string) (parent, name string, ok bool) {
	suffix := "/providers/" + ResourceType + "/"
	i := strings.LastIndex(id, "/")
	if i < len(suffix) || !strings.EqualFold(id[i+1-len(suffix):i+1], suffix) {
		return "", "", false
	}
	parent, name = id[:i+1-len(suffix)], id[i+1:]
	lower := strings.ToLower(parent)
	sub, rg, ok := strings.Cut(strings.TrimPrefix(lower, "/subscriptions/"), "/resourcegroups/")
	ok = ok && strings.HasPrefix(lower, "/subscriptions/") && sub != "" && rg != "" && !strings.Contains(rg, "/") && ValidateName(name) == nil
	return parent, name, ok
}
