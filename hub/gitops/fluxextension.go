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
	"time"

	"github.com/kubearc/kubearc/hub/nested"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// Flux comes as an extension, as in Arc: the first Flux configuration of a cluster adds it.
const (
	// FluxExtensionType is the catalog's Flux extension type.
	FluxExtensionType = "microsoft.flux"
	// FluxExtensionName is the name of the extension the hub adds, as Arc names it.
	FluxExtensionName = "flux"
	// fluxNamespace is its release namespace when the catalog names none.
	fluxNamespace = "flux-system"
)

// Creating adds the Flux extension to the cluster of a new configuration unless it has one
// (added by a user, by the hub or applied in the cluster), as Arc does. Changes do not, so
// that a user who removed Flux on purpose is not overruled.
func (k *Kind) Creating(ctx context.Context, req nested.Request, now time.Time) error {
	typ, err := k.Catalog.Type(FluxExtensionType)
	if err != nil { // not an error: the operator may install Flux another way
		k.noFluxWarning.Do(func() {
			k.Log.Warn("The catalog has no Flux extension type; Flux configurations need Flux installed another way")
		})
		return nil //nolint:nilerr // a catalog without Flux is allowed
	}
	name, present, err := k.fluxPresent(ctx, req.Cluster.ID, typ)
	if err != nil || present {
		return err
	}
	ns := typ.DefaultReleaseNamespace
	if ns == "" {
		ns = fluxNamespace
	}
	rec := &extensions.Record{
		Meta: nested.Meta{ID: extensions.ID(req.Cluster.ID, name), Name: name, Phase: extensions.PhaseCreating,
			Audit: nested.SystemData{CreatedBy: req.By, CreatedByType: nested.CreatedByUser, CreatedAt: now, LastModifiedBy: req.By, LastModifiedAt: now}},
		Settings: extensions.Settings{ExtensionType: typ.Name, AutoUpgradeMinorVersion: true,
			ReleaseTrain: catalog.DefaultReleaseTrain, Scope: protocol.ScopeCluster, Namespace: ns}}
	if err := extensions.Resolve(k.Catalog, rec, ""); err != nil {
		return extensions.LookupError(err)
	}
	if _, err := k.Extensions.Save(ctx, req.Cluster, rec); err != nil {
		return err
	}
	k.Log.Info("Flux extension added for the cluster's first Flux configuration", "extension", rec.ID, "version", rec.Version)
	return nil
}

// fluxPresent reports whether the cluster has an extension of the Flux type, and otherwise
// the free name for one.
func (k *Kind) fluxPresent(ctx context.Context, clusterID string, typ *catalog.ExtensionType) (string, bool, error) {
	isFlux := func(extType string) bool {
		t, err := k.Catalog.Type(extType)
		return err == nil && t == typ
	}
	recs, err := k.Extensions.List(ctx, clusterID)
	if err != nil {
		return "", false, err
	}
	taken := map[string]bool{}
	for _, rec := range recs {
		if isFlux(rec.ExtensionType) {
			return "", true, nil
		}
		taken[rec.Name] = true
	}
	obs, err := k.Extensions.Observe(ctx, clusterID)
	if err != nil {
		return "", false, err
	}
	for name, st := range obs.Statuses {
		if rec, _, ok := extensions.ClusterOwned(clusterID, st); ok {
			if isFlux(rec.ExtensionType) {
				return "", true, nil
			}
			taken[name] = true
		}
	}
	if taken[FluxExtensionName] {
		return "microsoft-flux", false, nil
	}
	return FluxExtensionName, false, nil
}
