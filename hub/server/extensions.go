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
	"fmt"

	"github.com/kubearc/kubearc/hub/agentprofile"
	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/policy"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/hub/workspaces"
)

// clusterType is the ARM type of connectedClusters, whose agent profiles and extensions
// follow the catalog.
const clusterType = "Microsoft.Kubernetes/connectedClusters"

// setupKinds loads the catalog and the data key, registers the nested kinds and builds the
// policy service, then applies the catalog to what is stored (it may have changed since the
// last start): agent profiles and auto-upgrades.
func (h *Hub) setupKinds(ctx context.Context) error {
	var err error
	if h.catalog, err = loadCatalog(h.cfg.CatalogFile); err != nil {
		return err
	}
	key, err := h.loadDataKey(ctx)
	if err != nil {
		return err
	}
	h.dataKey = key
	h.kinds = nested.NewRegistry(h.notifying, key, h.cfg.Log, h.cfg.Now)
	// The resources on custom locations are served once the tunnels are set up, before any
	// request.
	resourcesOn := func(ctx context.Context, id string) ([]string, error) { return h.resources.ResourcesOn(ctx, id) }
	h.workspaces = workspaces.NewService(workspaces.Options{Store: h.notifying, DataKey: key, Log: h.cfg.Log, Now: h.cfg.Now})
	ext, locations := registerKinds(h.kinds, h.catalog, h.tracker, resourcesOn, h.workspaces, h.cfg.Log)
	h.workspaces.SetExtensions(ext)
	h.customLocations, h.syncRules = locations, customlocations.NewSyncRules(h.notifying, h.cfg.Now)
	h.policy, err = policy.NewService(policy.Options{Store: h.notifying, Catalog: h.catalog, Extensions: ext, Log: h.cfg.Log, Now: h.cfg.Now,
		Fetcher: h.cfg.PolicyFetcher})
	if err != nil {
		return err
	}
	// A cluster or extension the catalog cannot be applied to must not keep the hub down.
	if err := h.applyCatalog(ctx); err != nil {
		h.cfg.Log.Error("Applying the catalog to stored clusters and extensions failed", "error", err)
	}
	// A workspace written just before the hub stopped may not have reached its extensions.
	if err := h.workspaces.Rebind(ctx, ""); err != nil {
		h.cfg.Log.Error("Rewriting extensions for their workspaces failed", "error", err)
	}
	return nil
}

// applyCatalog refreshes every cluster's agent profile and its resources of every kind that
// follows the catalog (nested.Refresher), e.g. auto-upgrading extensions.
func (h *Hub) applyCatalog(ctx context.Context) error {
	clusters, err := h.notifying.ListResources(ctx, store.ListQuery{Type: clusterType})
	if err != nil {
		return fmt.Errorf("listing clusters: %w", err)
	}
	var errs []error
	for _, c := range clusters {
		errs = append(errs, agentprofile.Refresh(ctx, h.notifying, h.catalog, c), h.kinds.Refresh(ctx, c))
	}
	return errors.Join(errs...)
}

func loadCatalog(file string) (*catalog.Catalog, error) {
	if file == "" {
		return catalog.Default()
	}
	return catalog.Load(file)
}
