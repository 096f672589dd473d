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
	"errors"
	"log/slog"
	"maps"
	"time"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Served is a registered kind as hub/armapi and the agent API use it, whatever its types.
// Service implements it.
type Served interface {
	// Names names the kind; ValidateName checks a resource name.
	Names() Names
	ValidateName(name string) error
	Get(ctx context.Context, req Request) (any, error)
	ListPage(ctx context.Context, clusterID string) (any, error)
	ListIn(ctx context.Context, sc Scope) (page any, last string, err error)
	Put(ctx context.Context, req Request, decode Decoder) (created bool, doc any, err error)
	Patch(ctx context.Context, req Request, decode Decoder) (any, error)
	Delete(ctx context.Context, req Request, force bool) (Deletion, error)
	Outcome(ctx context.Context, req Request, deletion bool) (Outcome, error)
	StatusesReported(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error
	ResealChanges(ctx context.Context, clusterID, agentKey string) ([]store.DesiredChange, map[string]string, error)
	Refresh(ctx context.Context, cluster *store.Resource) error
}

// Names names the kind.
func (s *Service[R, P, D]) Names() Names { return s.names }

// ValidateName checks a resource name.
func (s *Service[R, P, D]) ValidateName(name string) error { return s.kind.ValidateName(name) }

// Registry holds the hub's kinds of resources on a cluster, each registered once at start-up.
type Registry struct {
	store  store.Store
	sealer Sealer
	log    *slog.Logger
	now    func() time.Time
	kinds  []Served
}

// NewRegistry returns an empty registry whose kinds store in st (which should wake
// watchers), seal protected settings with the hub's data key dataKey, log to log and tell
// time with now.
func NewRegistry(st store.Store, dataKey []byte, log *slog.Logger, now func() time.Time) *Registry {
	return &Registry{store: st, sealer: Sealer{DataKey: dataKey}, log: log, now: now}
}

// Register adds a kind to the registry and returns its service.
func Register[R any, P Ptr[R], D any](reg *Registry, kind Kind[P, D]) *Service[R, P, D] {
	s := &Service[R, P, D]{kind: kind, names: kind.Names(), store: reg.store, sealer: reg.sealer, log: reg.log, now: reg.now}
	reg.kinds = append(reg.kinds, s)
	return s
}

// Kinds returns the registered kinds in the order they registered; none for a nil registry.
func (r *Registry) Kinds() []Served {
	if r == nil {
		return nil
	}
	return r.kinds
}

// StatusesReported is the agent API's hook after a status report: every kind forgets the
// resources the agent reports removed.
func (r *Registry) StatusesReported(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error {
	kinds := r.Kinds()
	errs := make([]error, 0, len(kinds))
	for _, k := range kinds {
		errs = append(errs, k.StatusesReported(ctx, clusterID, items))
	}
	return errors.Join(errs...)
}

// ResealChanges returns the desired objects of every kind's resources of a cluster with
// protected settings, sealed for its new agent key, and the precondition under which they
// may be stored with the cluster: its resources of every kind are still those re-sealed.
func (r *Registry) ResealChanges(ctx context.Context, clusterID, agentKey string) ([]store.DesiredChange, *store.Children, error) {
	var changes []store.DesiredChange
	children := &store.Children{Versions: map[string]string{}}
	for _, k := range r.Kinds() {
		c, versions, err := k.ResealChanges(ctx, clusterID, agentKey)
		if err != nil {
			return nil, nil, err
		}
		changes = append(changes, c...)
		children.Types = append(children.Types, k.Names().ResourceType)
		maps.Copy(children.Versions, versions)
	}
	return changes, children, nil
}
