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

// Package store is the hub's persistence: one interface, with SQLite (package
// store/sqlite) as the embedded default and room for PostgreSQL for several hub replicas.
//
// ARM resources are stored generically, as JSON documents keyed by their case-folded ARM ID,
// so every resource provider (connectedClusters, extensions, fluxConfigurations, …) shares one
// table. Beside them the store keeps each cluster's desired state for the agent (a versioned
// set of objects, watched by resourceVersion), what the agent reported (runtime and statuses)
// and the users' API tokens.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// Errors every implementation returns, for callers to test with errors.Is.
var (
	// ErrNotFound: no such resource, token or cluster.
	ErrNotFound = errors.New("not found")
	// ErrGone: the requested resourceVersion is older than the oldest change the store
	// still remembers; the caller must list the whole desired state again.
	ErrGone = errors.New("resource version too old")
)

// Resource is one ARM resource.
type Resource struct {
	// ID is the ARM ID as the client first wrote it (case preserved).
	ID string
	// Type is the ARM type, e.g. Microsoft.Kubernetes/connectedClusters.
	Type string
	// Subscription and ResourceGroup scope the resource, for listing and authorization.
	Subscription  string
	ResourceGroup string
	// ParentID is the ID of the resource this one is nested under (a cluster extension's
	// connectedCluster), empty for top-level resources. Deleting a parent deletes its children.
	ParentID string
	// Body is the resource's JSON document.
	Body json.RawMessage
	// Version is set by the store and changes on every write of the resource; a resource
	// deleted and created again never gets a version it had before. The ARM API shows it
	// as the resource's etag.
	Version string
	// CreatedAt and UpdatedAt are set by the store.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListQuery selects resources of one type. Empty fields do not filter.
type ListQuery struct {
	Type          string
	Subscription  string
	ResourceGroup string
	ParentID      string
	// After continues a listing after the resource with this ID (paging).
	After string
	// Limit caps the number of results; 0 means no limit.
	Limit int
}

// DesiredChange adds, replaces or removes one object of a cluster's desired state.
type DesiredChange struct {
	// ClusterID is the connectedCluster's ARM ID.
	ClusterID string
	Kind      string
	Name      string
	// Spec is the object's new payload; ignored when Delete is set.
	Spec json.RawMessage
	// Delete removes the object (the agent sees a DELETED event).
	Delete bool
}

// WatchChange is one change of a cluster's desired state since a resourceVersion.
type WatchChange struct {
	Type   protocol.EventType
	Object protocol.DesiredObject
}

// Runtime is what the agent last reported about its cluster, kept in memory by the hub and
// written behind in batches.
type Runtime struct {
	// ClusterID is the connectedCluster's ARM ID.
	ClusterID string
	// Heartbeat is the last heartbeat's content.
	Heartbeat protocol.Heartbeat
	// LastHeartbeat is when the last heartbeat arrived; zero before the first one.
	LastHeartbeat time.Time
	// CertificateNotAfter is when the agent's current client certificate expires.
	CertificateNotAfter time.Time
}

// Token is a user's API token. Only a hash of the secret is ever stored.
type Token struct {
	ID   string
	Name string
	// Hash is the SHA-256 of the token's secret.
	Hash []byte
	// Role is Reader, Contributor or Owner.
	Role string
	// Scope is /subscriptions/{s} or /subscriptions/{s}/resourceGroups/{g}; "/" is everything.
	Scope     string
	CreatedAt time.Time
	// ExpiresAt is zero for a token that does not expire.
	ExpiresAt time.Time
}

// Store is the hub's persistence. Every method is one transaction; implementations are safe
// for concurrent use.
type Store interface {
	// GetResource returns the resource with this ARM ID (case-insensitive) or ErrNotFound.
	GetResource(ctx context.Context, id string) (*Resource, error)
	// PutResource creates or replaces a resource and applies the desired-state changes that
	// follow from it, atomically, if pre holds; created reports whether the resource is new.
	// A failed precondition, a missing parent or a change for a missing cluster is a
	// *ConditionError (ErrConflict or ErrNotFound) and writes nothing.
	PutResource(ctx context.Context, r *Resource, pre Precondition, changes ...DesiredChange) (created bool, err error)
	// DeleteResource deletes a resource, its children and, when it is a connectedCluster,
	// its desired state, runtime, statuses, log, usage series and connectivity checks, if
	// pre holds; ErrNotFound when it does not exist.
	DeleteResource(ctx context.Context, id string, pre Precondition, changes ...DesiredChange) error
	// ListResources returns the matching resources ordered by case-folded ID.
	ListResources(ctx context.Context, q ListQuery) ([]*Resource, error)
	// PutDesired applies desired-state changes on their own, atomically, if every resource in
	// related (ARM ID → version) still has the version it was read at: for a write computed
	// from resources it does not change itself (policy assignments pushed to clusters). A
	// related resource changed or missing, or a change for a cluster that does not exist, is
	// a *ConditionError (ErrConflict or ErrNotFound) and writes nothing.
	PutDesired(ctx context.Context, related map[string]string, changes ...DesiredChange) error

	// DesiredState returns a cluster's whole desired state and its resourceVersion.
	DesiredState(ctx context.Context, clusterID string) (protocol.DesiredState, error)
	// DesiredChanges returns the changes to a cluster's desired state after resourceVersion
	// since, in order, and the newest resourceVersion; ErrGone when since is too old.
	DesiredChanges(ctx context.Context, clusterID string, since string) ([]WatchChange, string, error)
	// CompactDesired forgets deletions older than before; watches from before them get ErrGone.
	CompactDesired(ctx context.Context, before time.Time) error

	// PutRuntimes writes a batch of agent-reported runtime states, and adds the usage of each
	// one's last heartbeat (agentCpuMillicores, agentMemoryBytes at LastHeartbeat) to its
	// cluster's usage series, once per heartbeat time. Runtimes of missing clusters are skipped.
	PutRuntimes(ctx context.Context, rs []Runtime) error
	// ListRuntimes returns every stored runtime state, to warm the hub's memory at start.
	ListRuntimes(ctx context.Context) ([]Runtime, error)

	// PutStatuses applies an agent's status report to the cluster's stored statuses, in one
	// transaction and in order (see StatusUpdate); ErrNotFound when the cluster does not
	// exist, a *StatusLimitError, with nothing written, when it would pass a limit.
	PutStatuses(ctx context.Context, clusterID string, u StatusUpdate) error
	// ListStatuses returns a cluster's stored statuses.
	ListStatuses(ctx context.Context, clusterID string) ([]protocol.ObjectStatus, error)

	// AppendLogs stores a batch of a cluster's agent log in one transaction and removes the
	// cluster's oldest batches past r; ErrNotFound when the cluster does not exist.
	AppendLogs(ctx context.Context, clusterID string, b LogBatch, r LogRetention) error
	// ListLogs returns a cluster's stored log batches selected by q, oldest first; none for
	// an unknown cluster.
	ListLogs(ctx context.Context, clusterID string, q LogQuery) ([]LogBatch, error)
	// ListUsage returns a cluster's usage samples from since on, oldest first.
	ListUsage(ctx context.Context, clusterID string, since time.Time) ([]UsageSample, error)
	// PutConnectivityChecks replaces a cluster's latest connectivity checks; ErrNotFound
	// when the cluster does not exist.
	PutConnectivityChecks(ctx context.Context, clusterID string, c ConnectivityChecks) error
	// GetConnectivityChecks returns a cluster's latest connectivity checks; ErrNotFound when
	// its agent sent none or the cluster does not exist.
	GetConnectivityChecks(ctx context.Context, clusterID string) (*ConnectivityChecks, error)
	// PruneDiagnostics removes the log batches received before logsBefore and the usage
	// samples taken before usageBefore, of every cluster.
	PruneDiagnostics(ctx context.Context, logsBefore, usageBefore time.Time) error

	// CreateToken stores a new token.
	CreateToken(ctx context.Context, t *Token) error
	// FindToken returns the unrevoked token with this hash, or ErrNotFound.
	FindToken(ctx context.Context, hash []byte) (*Token, error)
	// ListTokens returns every unrevoked token.
	ListTokens(ctx context.Context) ([]*Token, error)
	// RevokeToken revokes a token by ID; ErrNotFound when there is none.
	RevokeToken(ctx context.Context, id string) error

	// Replicas coordinates hub replicas (tunnel holders, leases) and checks readiness (Ping).
	Replicas

	// Meta records values set once for the whole store (the data key's proof).
	Meta

	// PortalSessions are the portal's signed-in browsers.
	PortalSessions

	// Close releases the store's resources.
	Close() error
}
