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

// Package nested is the lifecycle shared by the hub's agent-provisioned resources nested
// under a connectedCluster (extensions, fluxConfigurations): the stored record and its
// desired object in one transaction, the state observed from the agent's statuses, Deleting
// until the agent reports the resource gone, and protected settings sealed at rest and
// re-sealed for the cluster's agent key.
package nested

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/armid"
)

// Kind names one kind of nested resource.
type Kind struct {
	// ResourceType is its ARM type, e.g. Microsoft.KubernetesConfiguration/extensions.
	ResourceType string
	// ObjectKind is the kind of its desired objects and statuses, e.g. protocol.KindExtension.
	ObjectKind string
	// Noun names one in messages, e.g. "extension"; Title starts a log message with it.
	Noun, Title string
	// LogKey is the key of its ID in logs, e.g. "extension".
	LogKey string
}

// Record is what the shared lifecycle reads and sets of a stored record.
type Record interface {
	// Ref returns the record's ARM ID and name.
	Ref() (id, name string)
	// BeingDeleted says whether the record waits for the agent to remove the resource.
	BeingDeleted() bool
	// SetDeleting marks the record as waiting for that.
	SetDeleting()
	// SealedAtRest returns the protected settings sealed with the hub's data key, or "".
	SealedAtRest() string
}

// Store keeps the records of one kind, a stored resource under its cluster each; P is the
// pointer to the record type R.
type Store[R any, P interface {
	*R
	Record
}] struct {
	Store store.Store
	Kind  Kind
	Log   *slog.Logger
}

// Load returns the stored record id, or nil when there is none.
func (s Store[R, P]) Load(ctx context.Context, id string) (P, error) {
	res, err := s.Store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", s.Kind.Noun, id, err)
	}
	return s.Decode(res)
}

// Decode parses a stored record.
func (s Store[R, P]) Decode(res *store.Resource) (P, error) {
	rec := P(new(R))
	if err := json.Unmarshal(res.Body, rec); err != nil {
		return nil, fmt.Errorf("decoding stored %s %s: %w", s.Kind.Noun, res.ID, err)
	}
	return rec, nil
}

// List returns the stored records of a cluster.
func (s Store[R, P]) List(ctx context.Context, clusterID string) ([]P, error) {
	all, err := s.Store.ListResources(ctx, store.ListQuery{Type: s.Kind.ResourceType, ParentID: clusterID})
	if err != nil {
		return nil, fmt.Errorf("listing the %ss of %s: %w", s.Kind.Noun, clusterID, err)
	}
	out := make([]P, 0, len(all))
	for _, res := range all {
		rec, err := s.Decode(res)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// Resource is rec as a stored resource under its cluster.
func (s Store[R, P]) Resource(clusterID string, rec P) (*store.Resource, error) {
	id, _ := rec.Ref()
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %s: %w", s.Kind.Noun, id, err)
	}
	cluster, err := armid.ParseClusterID(clusterID)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", s.Kind.Noun, id, err)
	}
	return &store.Resource{ID: id, Type: s.Kind.ResourceType, Subscription: cluster.Subscription, ResourceGroup: cluster.ResourceGroup,
		ParentID: clusterID, Body: body}, nil
}

// Put stores rec and its desired-state change in one transaction; created says it is new.
func (s Store[R, P]) Put(ctx context.Context, clusterID string, rec P, change store.DesiredChange) (bool, error) {
	res, err := s.Resource(clusterID, rec)
	if err != nil {
		return false, err
	}
	created, err := s.Store.PutResource(ctx, res, change)
	if err != nil {
		id, _ := rec.Ref()
		return false, fmt.Errorf("storing %s %s: %w", s.Kind.Noun, id, err)
	}
	return created, nil
}
