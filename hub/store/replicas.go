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

package store

import (
	"context"
	"errors"
	"time"
)

// ErrUnavailable: the store cannot be reached now (its database restarts, the network is
// down); the request may succeed when retried. Implementations wrap such failures with it,
// so that the hub answers 503 with Retry-After rather than 500, and reports not ready.
var ErrUnavailable = errors.New("the store is unavailable")

// TunnelHolder says which hub replica holds a cluster's cluster-connect tunnel, and where
// the other replicas reach it.
type TunnelHolder struct {
	// ClusterID is the connectedCluster's ARM ID (matched case-insensitively).
	ClusterID string
	// Replica is the holding replica's ID.
	Replica string
	// PeerURL is the replica's base URL for the other replicas, e.g. https://10.0.0.5:8443.
	PeerURL string
}

// Replicas is what several hub replicas sharing one store coordinate through: which replica
// holds which cluster's tunnel, and leases that elect one replica for a task. It is part of
// Store; a store that only one hub uses (SQLite) implements it too, trivially right.
type Replicas interface {
	// PutTunnelHolder records that h.Replica now holds h.ClusterID's tunnel, replacing the
	// record of any other replica. The cluster need not exist.
	PutTunnelHolder(ctx context.Context, h TunnelHolder) error
	// GetTunnelHolder returns the record of cluster clusterID's tunnel, or ErrNotFound.
	GetTunnelHolder(ctx context.Context, clusterID string) (*TunnelHolder, error)
	// ListTunnelHolders returns every record naming replica, in no particular order, each
	// with its ClusterID in lower case: one read for a replica checking all its tunnels'
	// records at once.
	ListTunnelHolders(ctx context.Context, replica string) ([]TunnelHolder, error)
	// DeleteTunnelHolder removes the record of clusterID's tunnel if replica still holds it;
	// nothing happens otherwise (another replica took the tunnel over meanwhile).
	DeleteTunnelHolder(ctx context.Context, clusterID, replica string) error

	// AcquireLease takes the lease called name for holder until ttl from now, by the store's
	// clock, if it is free, expired or already holder's (a renewal), and reports whether
	// holder has it now. At most one holder has an unexpired lease at any time.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease frees the lease called name if holder has it, so that another replica
	// takes it at once rather than after it expires.
	ReleaseLease(ctx context.Context, name, holder string) error

	// Ping checks that the store answers, for the hub's readiness; an error wrapping
	// ErrUnavailable when it cannot be reached.
	Ping(ctx context.Context) error
}
