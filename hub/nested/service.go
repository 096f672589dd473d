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
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kubearc/kubearc/hub/store"
)

// Service keeps the resources of one registered kind: R is its record type, P the pointer to
// it, D its document. Register builds it once.
type Service[R any, P Ptr[R], D any] struct {
	kind   Kind[P, D]
	names  Names
	store  store.Store
	sealer Sealer
	log    *slog.Logger
	now    func() time.Time
}

// Request is a user's request for one resource of a kind.
type Request struct {
	// Cluster is the connectedCluster the resource is on, as stored: its parent, or the host
	// of a resource group's resource, which the registry reads from the record (nil until then).
	Cluster *store.Resource
	// Parent is the ID of the resource's parent in its path: Cluster.ID, or its resource group.
	Parent string
	// Name is the resource's name.
	Name string
	// By is who asks, recorded as the resource's creator or last modifier.
	By string
	// Match is the request's If-Match and If-None-Match headers.
	Match Match
	// MayWrite returns why the caller may not write at a scope, nil when it may: the
	// registry asks it of the cluster a resource group's resource is to be hosted by.
	MayWrite func(scope string) error
	// MayUse returns why the caller may not use the resource id that a record names (an
	// extension handing a workspace's token to its cluster), nil when it may: a Resolver
	// asks it. nil refuses every resource.
	MayUse func(id string) error
}

// id is the ARM ID of the requested resource.
func (s *Service[R, P, D]) id(req Request) string { return s.names.ID(req.Parent, req.Name) }

// clusterOf is the ID of the cluster the requested resource rec (nil when there is none) is
// on: its parent, or its host; "" for a resource group's resource that does not exist.
func (s *Service[R, P, D]) clusterOf(req Request, rec P) string {
	switch {
	case !s.names.InResourceGroup:
		return req.Cluster.ID
	case rec == nil:
		return ""
	}
	return rec.Base().Host
}

// Load returns the stored record id, or nil when there is none.
func (s *Service[R, P, D]) Load(ctx context.Context, id string) (P, error) {
	res, err := s.store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", s.names.Noun, id, err)
	}
	return s.decode(res)
}

func (s *Service[R, P, D]) decode(res *store.Resource) (P, error) {
	rec := P(new(R))
	if err := json.Unmarshal(res.Body, rec); err != nil {
		return nil, fmt.Errorf("decoding stored %s %s: %w", s.names.Noun, res.ID, err)
	}
	rec.Base().ETag = res.Version
	return rec, nil
}

// List returns the stored records of a cluster.
func (s *Service[R, P, D]) List(ctx context.Context, clusterID string) ([]P, error) {
	all, err := s.store.ListResources(ctx, store.ListQuery{Type: s.names.ResourceType, ParentID: clusterID})
	if err != nil {
		return nil, fmt.Errorf("listing the %ss of %s: %w", s.names.Noun, clusterID, err)
	}
	out := make([]P, 0, len(all))
	for _, res := range all {
		rec, err := s.decode(res)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// resource is rec as a stored resource in its resource group, a child of the cluster it is
// on: it goes with the cluster, and the cluster's writes see it (store.Children).
func (s *Service[R, P, D]) resource(clusterID string, rec P) (*store.Resource, error) {
	id := rec.Base().ID
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %s: %w", s.names.Noun, id, err)
	}
	sub, rg, ok := scopeOf(id)
	if !ok {
		return nil, fmt.Errorf("%s %s: not in a resource group", s.names.Noun, id)
	}
	return &store.Resource{ID: id, Type: s.names.ResourceType, Subscription: sub, ResourceGroup: rg,
		ParentID: clusterID, Body: body}, nil
}

// Save stores rec and its desired object, sealed for the cluster's agent key, in one
// transaction; created says it is new. It is a compare-and-swap: rec must still be as read
// (rec.ETag; absent when "") and the cluster unchanged since read (its Version, so the
// agent key used is current), and the resources it was made from (rec.Related) unchanged;
// otherwise nothing is written and the error is a *store.ConditionError. On success
// rec.ETag is the new version.
func (s *Service[R, P, D]) Save(ctx context.Context, cluster *store.Resource, rec P) (bool, error) {
	agentKey, err := AgentKey(cluster)
	if err != nil {
		return false, err
	}
	change, err := s.desired(cluster.ID, agentKey, rec)
	if err != nil {
		return false, err
	}
	res, err := s.resource(cluster.ID, rec)
	if err != nil {
		return false, err
	}
	pre := store.AsRead(rec.Base().ETag).With(cluster.ID, cluster.Version)
	for id, version := range rec.Base().Related {
		pre = pre.With(id, version)
	}
	created, err := s.store.PutResource(ctx, res, pre, change)
	if err != nil {
		return false, fmt.Errorf("storing %s %s: %w", s.names.Noun, res.ID, err)
	}
	rec.Base().ETag = res.Version
	return created, nil
}

// desired is rec's desired object for the agent of cluster clusterID, whose key is agentKey.
func (s *Service[R, P, D]) desired(clusterID, agentKey string, rec P) (store.DesiredChange, error) {
	m := rec.Base()
	delivered, err := s.sealer.ForAgent(clusterID, agentKey, m.ID, m.SealedProtectedSettings)
	if err != nil {
		return store.DesiredChange{}, err
	}
	spec, err := s.kind.Desired(rec, delivered)
	if err != nil {
		return store.DesiredChange{}, err
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return store.DesiredChange{}, fmt.Errorf("encoding the spec of %s: %w", m.ID, err)
	}
	return store.DesiredChange{ClusterID: clusterID, Kind: s.names.ObjectKind, Name: s.objectName(rec), Spec: raw}, nil
}

// Observe reads what the hub knows of a cluster's resources of this kind on the agent's side.
func (s *Service[R, P, D]) Observe(ctx context.Context, clusterID string) (*Observed, error) {
	return Observe(ctx, s.store, clusterID, s.names.ObjectKind)
}

// touch records who changed rec and when; created starts its audit.
func (s *Service[R, P, D]) touch(req Request, rec P, created bool) {
	m, now := rec.Base(), s.now().UTC()
	if created {
		m.Audit = SystemData{CreatedBy: req.By, CreatedByType: CreatedByUser, CreatedAt: now}
	}
	m.Audit.LastModifiedBy, m.Audit.LastModifiedAt = req.By, now
}
