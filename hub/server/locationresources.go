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

package server

import (
	"context"
	"errors"

	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/tunnel"
)

// locationResources builds the service of resources on custom locations, which applies them
// through the clusters' tunnels, and the tunnel server, which wakes it when a tunnel opens.
func (h *Hub) locationResources(st store.Store, o tunnel.Options) (*locationresources.Service, *tunnel.Server) {
	var resources *locationresources.Service
	o.OnConnect = func(id string) { resources.Wake(id) }
	tunnels := tunnel.New(o)
	locations := h.cfg.Locations
	if locations == nil {
		locations = directory{customlocations.Directory{Service: h.customLocations}}
	}
	resources = locationresources.New(locationresources.Options{Store: st, Catalog: h.catalog, Locations: locations,
		Clusters: tunnels, Rules: h.syncRules, Log: h.cfg.Log, Now: h.cfg.Now, PendingTimeout: h.cfg.LocationResourceTimeout})
	return resources, tunnels
}

// directory finds custom locations for the resources on them.
type directory struct{ customlocations.Directory }

func (d directory) Lookup(ctx context.Context, id string) (*locationresources.Location, error) {
	loc, err := d.Directory.Lookup(ctx, id)
	if errors.Is(err, customlocations.ErrNotFound) {
		return nil, locationresources.ErrLocationNotFound
	}
	if err != nil {
		return nil, err
	}
	types := make([]string, 0, len(loc.Extensions))
	for _, ext := range loc.Extensions {
		types = append(types, ext.Type)
	}
	return &locationresources.Location{ID: loc.ID, Cluster: loc.Cluster, Namespace: loc.Namespace,
		ProvisioningState: loc.ProvisioningState, ExtensionTypes: types, Version: loc.Version}, nil
}
