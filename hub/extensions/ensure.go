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
	"errors"
	"fmt"
	"time"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/nested"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// ErrNotInCatalog says the catalog has no extension type a Required names: the operator may
// install the software another way.
var ErrNotInCatalog = errors.New("the extension type is not in the hub's catalog")

// Required is an extension type a kind depends on, which the hub adds to a cluster that needs
// it unless the cluster has one, as Arc does: Flux for Flux configurations, Gatekeeper for
// policy assignments.
type Required struct {
	// Type is the catalog's extension type (or an alias of it).
	Type string
	// Name is the name of the extension the hub adds; Fallback its name when another
	// extension has that name.
	Name, Fallback string
	// Namespace is its release namespace when the catalog names none.
	Namespace string
	// Settings are its configurationSettings (its chart's values).
	Settings map[string]string
}

// Ensure adds an extension of r's type to the cluster, on the Stable train with minor
// auto-upgrades, unless the cluster has one (added by a user, by the hub or applied in the
// cluster); by is who the addition is recorded for. It returns the added extension, nil when
// the cluster had one, and an error wrapping ErrNotInCatalog when the catalog has no such
// type. The write is conditional on the cluster as read (a *store.ConditionError when it
// changed: the caller reads again).
func (r Required) Ensure(ctx context.Context, svc *Service, cat *catalog.Catalog, cluster *store.Resource, by string, now time.Time) (*Record, error) {
	typ, err := cat.Type(r.Type)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotInCatalog, r.Type)
	}
	name, present, err := r.present(ctx, svc, cat, cluster.ID, typ)
	if err != nil || present {
		return nil, err
	}
	ns := typ.DefaultReleaseNamespace
	if ns == "" {
		ns = r.Namespace
	}
	rec := &Record{
		Meta: nested.Meta{ID: ID(cluster.ID, name), Name: name, Phase: PhaseCreating,
			Audit: nested.SystemData{CreatedBy: by, CreatedByType: nested.CreatedByUser, CreatedAt: now, LastModifiedBy: by, LastModifiedAt: now}},
		Settings: Settings{ExtensionType: typ.Name, AutoUpgradeMinorVersion: true,
			ReleaseTrain: catalog.DefaultReleaseTrain, Scope: protocol.ScopeCluster, Namespace: ns, ConfigurationSettings: r.Settings}}
	if err := Resolve(cat, rec, ""); err != nil {
		return nil, LookupError(err)
	}
	if _, err := svc.Save(ctx, cluster, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// present reports whether the cluster has an extension of type typ, and otherwise the free
// name for one.
func (r Required) present(ctx context.Context, svc *Service, cat *catalog.Catalog, clusterID string, typ *catalog.ExtensionType) (string, bool, error) {
	isType := func(extType string) bool {
		t, err := cat.Type(extType)
		return err == nil && t == typ
	}
	recs, err := svc.List(ctx, clusterID)
	if err != nil {
		return "", false, err
	}
	taken := map[string]bool{}
	for _, rec := range recs {
		if isType(rec.ExtensionType) {
			return "", true, nil
		}
		taken[rec.Name] = true
	}
	obs, err := svc.Observe(ctx, clusterID)
	if err != nil {
		return "", false, err
	}
	for name, st := range obs.Statuses {
		if rec, _, ok := ClusterOwned(clusterID, st); ok {
			if isType(rec.ExtensionType) {
				return "", true, nil
			}
			taken[name] = true
		}
	}
	if taken[r.Name] {
		return r.Fallback, false, nil
	}
	return r.Name, false, nil
}
