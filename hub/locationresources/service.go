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
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
)

// Defaults of Options.
const (
	// DefaultPendingTimeout is how long a resource waits for its offline cluster.
	DefaultPendingTimeout = 30 * time.Minute
	// DefaultClusterTimeout bounds a request to the cluster made while a client waits.
	DefaultClusterTimeout = 10 * time.Second
	// DefaultReadTimeout bounds the read of a CR's status during a GET.
	DefaultReadTimeout = 2 * time.Second
)

// Options configure a Service.
type Options struct {
	Store     store.Store
	Catalog   *catalog.Catalog
	Locations Locations
	Clusters  Clusters
	// Rules place the custom resources made in a location's namespace; nil shows none.
	Rules SyncRules
	Log   *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// PendingTimeout is how long a PUT waits for an offline cluster before the resource
	// fails (default DefaultPendingTimeout).
	PendingTimeout time.Duration
}

// Service keeps the resources on custom locations and their CRs in the clusters. Create it
// with New; Run converges what waits for an offline cluster.
type Service struct {
	store     store.Store
	catalog   *catalog.Catalog
	locations Locations
	clusters  Clusters
	rules     SyncRules
	log       *slog.Logger
	now       func() time.Time
	timeout   time.Duration
	wake      chan string
}

// New returns a Service for o.
func New(o Options) *Service {
	s := &Service{store: o.Store, catalog: o.Catalog, locations: o.Locations, clusters: o.Clusters, rules: o.Rules, log: o.Log,
		now: o.Now, timeout: o.PendingTimeout, wake: make(chan string, 64)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.timeout <= 0 {
		s.timeout = DefaultPendingTimeout
	}
	return s
}

// Request names a resource on a custom location and who asks.
type Request struct {
	Subscription, ResourceGroup string
	// Namespace and Type form the ARM type, e.g. Microsoft.KubearcSamples and widgets.
	Namespace, Type string
	Name            string
	// By is the caller's name, for messages.
	By string
	// CanWrite reports whether the caller may write at an ARM scope (the custom location).
	CanWrite func(scope string) bool
}

// ARMType is the request's resource type.
func (r Request) ARMType() string { return r.Namespace + "/" + r.Type }

// ID is the requested resource's ARM ID.
func (r Request) ID() string {
	return "/subscriptions/" + r.Subscription + "/resourceGroups/" + r.ResourceGroup + "/providers/" + r.ARMType() + "/" + r.Name
}

// load returns the stored resource and its record; nil, nil when there is none.
func (s *Service) load(ctx context.Context, id string) (*store.Resource, *record, error) {
	res, err := s.store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", id, err)
	}
	var rec record
	if err := json.Unmarshal(res.Body, &rec); err != nil {
		return nil, nil, fmt.Errorf("decoding %s: %w", id, err)
	}
	return res, &rec, nil
}

// save writes rec as res (whose Version is the precondition; empty: a create).
func (s *Service) save(ctx context.Context, res *store.Resource, rec *record) (*store.Resource, error) {
	return s.saveIf(ctx, res, rec, store.AsRead(res.Version))
}

// saveIf writes rec as res if pre holds.
func (s *Service) saveIf(ctx context.Context, res *store.Resource, rec *record, pre store.Precondition) (*store.Resource, error) {
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	next := *res
	next.Body = body
	if _, err := s.store.PutResource(ctx, &next, pre); err != nil {
		return nil, err
	}
	return s.store.GetResource(ctx, res.ID)
}

// Get returns the resource, with its CR's status read from the cluster when it is online.
func (s *Service) Get(ctx context.Context, req Request) (*Doc, error) {
	_, rt, err := s.resourceType(req)
	if err != nil {
		return nil, err
	}
	res, rec, err := s.load(ctx, req.ID())
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, notFound(req.ARMType(), req.ID())
	}
	if rec.Phase == phaseApplied {
		rec = s.refresh(ctx, res, rec, rt)
	}
	return rec.doc(res.ID), nil
}

// List returns the resources of the request's type in its resource group, or in its
// subscription when ResourceGroup is empty.
func (s *Service) List(ctx context.Context, req Request) ([]*Doc, error) {
	if _, _, err := s.resourceType(req); err != nil {
		return nil, err
	}
	list, err := s.store.ListResources(ctx, store.ListQuery{Type: req.ARMType(), Subscription: req.Subscription, ResourceGroup: req.ResourceGroup})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", req.ARMType(), err)
	}
	docs := make([]*Doc, 0, len(list))
	for _, res := range list {
		var rec record
		if err := json.Unmarshal(res.Body, &rec); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", res.ID, err)
		}
		docs = append(docs, rec.doc(res.ID))
	}
	return docs, nil
}

// ResourcesOn returns the IDs of the resources on the custom location id: a location with
// resources on it cannot be deleted (hub/customlocations answers 409).
// Those made in the cluster and shown read-only do not count: they go with the location.
func (s *Service) ResourcesOn(ctx context.Context, id string) ([]string, error) {
	list, err := s.recordsOn(ctx, id)
	var ids []string
	for _, r := range list {
		if r.rec.Phase != phaseSynced {
			ids = append(ids, r.res.ID)
		}
	}
	return ids, err
}

// stored is a stored resource and its record.
type stored struct {
	res *store.Resource
	rec *record
}

// recordsOn returns the resources on the custom location id.
func (s *Service) recordsOn(ctx context.Context, id string) ([]stored, error) {
	var out []stored
	for _, t := range armTypes(s.catalog) {
		list, err := s.store.ListResources(ctx, store.ListQuery{Type: t, ParentID: id})
		if err != nil {
			return nil, fmt.Errorf("listing the resources on %s: %w", id, err)
		}
		for _, res := range list {
			var rec record
			if err := json.Unmarshal(res.Body, &rec); err != nil {
				return nil, fmt.Errorf("decoding %s: %w", res.ID, err)
			}
			out = append(out, stored{res: res, rec: &rec})
		}
	}
	return out, nil
}
