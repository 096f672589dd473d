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

package gitops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Service stores Flux configurations and their desired state. It builds on the extensions'
// service for the catalog (the Flux extension) and the hub's data key (protected settings).
type Service struct {
	Store      store.Store
	Extensions *extensions.Service
	Log        *slog.Logger

	// noFluxWarning logs once that the catalog has no Flux type, not at every PUT.
	noFluxWarning sync.Once
}

// kind is how the nested lifecycle names Flux configurations.
func kind() nested.Kind {
	return nested.Kind{ResourceType: ResourceType, ObjectKind: protocol.KindGitOpsConfiguration, Noun: "Flux configuration",
		Title: "Flux configuration", LogKey: "fluxConfiguration"}
}

// records are the stored Flux configurations.
func (s *Service) records() nested.Store[Record, *Record] {
	return nested.Store[Record, *Record]{Store: s.Store, Kind: kind(), Log: s.Log}
}

// Load returns the stored configuration id, or nil when there is none.
func (s *Service) Load(ctx context.Context, id string) (*Record, error) {
	return s.records().Load(ctx, id)
}

// List returns the stored configurations of a cluster.
func (s *Service) List(ctx context.Context, clusterID string) ([]*Record, error) {
	return s.records().List(ctx, clusterID)
}

// SetProtected seals the protected settings at rest into rec.
func (s *Service) SetProtected(rec *Record, protected map[string]string) error {
	sealed, err := s.Extensions.SealProtected(protected)
	if err != nil {
		return err
	}
	rec.SealedProtectedSettings, rec.ProtectedKeys = sealed, slices.Sorted(maps.Keys(protected))
	return nil
}

// Protected opens rec's protected settings.
func (s *Service) Protected(rec *Record) (map[string]string, error) {
	return s.Extensions.OpenProtected(rec.SealedProtectedSettings)
}

// DesiredChange is rec's desired object for the agent: the spec with Flux's URL form and the
// protected settings sealed for the cluster's agent key.
func (s *Service) DesiredChange(clusterID, agentKey string, rec *Record) (store.DesiredChange, error) {
	spec := rec.Spec
	if spec.GitRepository != nil {
		g := *spec.GitRepository
		g.URL = FluxURL(g.URL)
		spec.GitRepository = &g
	}
	var err error
	spec.ProtectedSettings, err = nested.Sealer{DataKey: s.Extensions.DataKey}.ForAgent(clusterID, agentKey, rec.ID, rec.SealedProtectedSettings)
	if err != nil {
		return store.DesiredChange{}, err
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return store.DesiredChange{}, fmt.Errorf("encoding the spec of %s: %w", rec.ID, err)
	}
	return store.DesiredChange{ClusterID: clusterID, Kind: protocol.KindGitOpsConfiguration, Name: rec.Name, Spec: raw}, nil
}

// Resource is rec as a stored resource under its cluster.
func Resource(clusterID string, rec *Record) (*store.Resource, error) {
	return nested.Store[Record, *Record]{Kind: kind()}.Resource(clusterID, rec)
}

// Save stores rec and its desired object in one transaction; created says it is new.
func (s *Service) Save(ctx context.Context, clusterID, agentKey string, rec *Record) (bool, error) {
	change, err := s.DesiredChange(clusterID, agentKey, rec)
	if err != nil {
		return false, err
	}
	return s.records().Put(ctx, clusterID, rec, change)
}

// MarkDeleting stores rec as Deleting and removes its desired object, so the agent removes
// the Flux objects; the record goes when the agent reports them gone.
func (s *Service) MarkDeleting(ctx context.Context, clusterID string, rec *Record) error {
	return s.records().MarkDeleting(ctx, clusterID, rec)
}

// ForceDelete removes rec and its desired object at once, without waiting for the agent.
func (s *Service) ForceDelete(ctx context.Context, clusterID string, rec *Record) error {
	return s.records().ForceDelete(ctx, clusterID, rec)
}

// Observed is what the hub knows of a cluster's GitOps objects.
type Observed struct {
	*nested.Observed
}

// Observe reads the desired state and statuses of a cluster's GitOps objects.
func (s *Service) Observe(ctx context.Context, clusterID string) (*Observed, error) {
	o, err := nested.Observe(ctx, s.Store, clusterID, protocol.KindGitOpsConfiguration)
	if err != nil {
		return nil, err
	}
	return &Observed{o}, nil
}

// Render returns rec's document with its observed state.
func (o *Observed) Render(rec *Record) *Doc {
	desiredRV, st := o.Of(rec.Name)
	return Render(rec, desiredRV, st)
}

// StatusesReported removes the configurations being deleted whose Flux objects the agent
// reports gone. It is the agent API's status hook.
func (s *Service) StatusesReported(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error {
	return s.records().ForgetDeleted(ctx, items, func(name string) string { return ID(clusterID, name) })
}

// ResealChanges returns the desired objects of a cluster's configurations with protected
// settings, sealed for a new agent key.
func (s *Service) ResealChanges(ctx context.Context, clusterID, agentKey string) ([]store.DesiredChange, error) {
	return s.records().ResealChanges(ctx, clusterID, func(rec *Record) (store.DesiredChange, error) {
		return s.DesiredChange(clusterID, agentKey, rec)
	})
}

// StatusHook is the agent API's hook after a status report.
type StatusHook func(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error

// ChainHooks returns a hook that runs every hook and joins their errors.
func ChainHooks(hooks ...StatusHook) StatusHook {
	return func(ctx context.Context, clusterID string, items []protocol.ObjectStatus) error {
		errs := make([]error, 0, len(hooks))
		for _, h := range hooks {
			errs = append(errs, h(ctx, clusterID, items))
		}
		return errors.Join(errs...)
	}
}
