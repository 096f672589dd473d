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

package extensions

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Service keeps extensions' desired state in line with the catalog, the agent's key and the
// agent's reports.
type Service struct {
	Store   store.Store
	Catalog *catalog.Catalog
	// DataKey is the hub's data key (seal.WithKey) for protected settings at rest.
	DataKey []byte
	Log     *slog.Logger
}

// Resolve sets the record's version and chart from the catalog: the pinned version, or with
// auto-upgrade the newest on its train within the major version of previous (the version it
// ran before; empty for a new extension). Errors are *catalog.LookupError.
func (s *Service) Resolve(rec *Record, previous string) error {
	typ, err := s.Catalog.Type(rec.ExtensionType)
	if err != nil {
		return err
	}
	r, err := typ.Resolve(rec.ReleaseTrain, rec.PinnedVersion, rec.AutoUpgradeMinorVersion, previous)
	if err != nil {
		return err
	}
	rec.Version, rec.Chart = r.Version, r.Chart
	return nil
}

// SealProtected seals protected settings with the hub's data key; none gives "".
func (s *Service) SealProtected(settings map[string]string) (string, error) {
	return nested.Sealer{DataKey: s.DataKey}.Seal(settings)
}

// DesiredChange returns the desired-state object of the record for the cluster whose agent
// key is agentKey (agentPublicKeyCertificate): protected settings are re-sealed for it.
func (s *Service) DesiredChange(clusterID, agentKey string, rec *Record) (store.DesiredChange, error) {
	delivered, err := nested.Sealer{DataKey: s.DataKey}.ForAgent(clusterID, agentKey, rec.ID, rec.SealedProtectedSettings)
	if err != nil {
		return store.DesiredChange{}, err
	}
	spec, err := json.Marshal(rec.Spec(delivered))
	if err != nil {
		return store.DesiredChange{}, fmt.Errorf("encoding the spec of %s: %w", rec.ID, err)
	}
	return store.DesiredChange{ClusterID: clusterID, Kind: protocol.KindExtension, Name: rec.Name, Spec: spec}, nil
}

// kind is how the nested lifecycle names extensions.
func kind() nested.Kind {
	return nested.Kind{ResourceType: ResourceType, ObjectKind: protocol.KindExtension, Noun: "extension", Title: "Extension", LogKey: "extension"}
}

// records are the stored extensions.
func (s *Service) records() nested.Store[Record, *Record] {
	return nested.Store[Record, *Record]{Store: s.Store, Kind: kind(), Log: s.Log}
}

// Load returns the stored extension id, or nil when there is none.
func (s *Service) Load(ctx context.Context, id string) (*Record, error) {
	return s.records().Load(ctx, id)
}

// Resource returns the store resource of the record.
func Resource(clusterID string, rec *Record) (*store.Resource, error) {
	return nested.Store[Record, *Record]{Kind: kind()}.Resource(clusterID, rec)
}

// Save stores the record and its desired state in one transaction.
func (s *Service) Save(ctx context.Context, clusterID, agentKey string, rec *Record) (bool, error) {
	change, err := s.DesiredChange(clusterID, agentKey, rec)
	if err != nil {
		return false, err
	}
	return s.records().Put(ctx, clusterID, rec, change)
}

// Decode parses a stored extension.
func Decode(res *store.Resource) (*Record, error) {
	return nested.Store[Record, *Record]{Kind: kind()}.Decode(res)
}

// List returns the cluster's stored extensions.
func (s *Service) List(ctx context.Context, clusterID string) ([]*Record, error) {
	return s.records().List(ctx, clusterID)
}

// Observed is what the hub knows of a cluster's extensions on the agent's side.
type Observed struct {
	*nested.Observed
}

// Observe reads the cluster's desired extension objects and the agent's statuses.
func (s *Service) Observe(ctx context.Context, clusterID string) (*Observed, error) {
	o, err := nested.Observe(ctx, s.Store, clusterID, protocol.KindExtension)
	if err != nil {
		return nil, err
	}
	return &Observed{o}, nil
}

// View returns the view of rec given what was observed.
func (o *Observed) View(rec *Record) View {
	return rec.View(o.Of(rec.Name))
}

// OpenProtected returns the protected settings sealed at rest by SealProtected.
func (s *Service) OpenProtected(sealed string) (map[string]string, error) {
	return nested.Sealer{DataKey: s.DataKey}.Open(sealed)
}
