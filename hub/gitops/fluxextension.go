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

// EnsureFlux adds the Flux extension to the cluster unless it has one (added by a user, by
// the hub or applied in the cluster). It returns the added extension's name, or "" when
// none was added. by is who asked (the audit of the extension).
func (s *Service) EnsureFlux(ctx context.Context, clusterID, agentKey, by string, now time.Time) (string, error) {
	typ, err := s.Extensions.Catalog.Type(FluxExtensionType)
	if err != nil { // not an error: the operator may install Flux another way
		s.noFluxWarning.Do(func() {
			s.Log.Warn("The catalog has no Flux extension type; Flux configurations need Flux installed another way")
		})
		return "", nil //nolint:nilerr // a catalog without Flux is allowed
	}
	name, present, err := s.fluxPresent(ctx, clusterID, typ)
	if err != nil || present {
		return "", err
	}
	ns := typ.DefaultReleaseNamespace
	if ns == "" {
		ns = fluxNamespace
	}
	rec := &extensions.Record{ID: extensions.ID(clusterID, name), Name: name, Phase: extensions.PhaseCreating,
		Settings: extensions.Settings{ExtensionType: typ.Name, AutoUpgradeMinorVersion: true,
			ReleaseTrain: catalog.DefaultReleaseTrain, Scope: protocol.ScopeCluster, Namespace: ns},
		Audit: extensions.Audit{CreatedBy: by, CreatedByType: "User", CreatedAt: now, LastModifiedBy: by, LastModifiedAt: now}}
	if err := s.Extensions.Resolve(rec, ""); err != nil {
		return "", err
	}
	if _, err := s.Extensions.Save(ctx, clusterID, agentKey, rec); err != nil {
		return "", err
	}
	s.Log.Info("Flux extension added for the cluster's first Flux configuration", "extension", rec.ID, "version", rec.Version)
	return name, nil
}

// fluxPresent reports whether the cluster has an extension of the Flux type, and otherwise
// the free name for one.
func (s *Service) fluxPresent(ctx context.Context, clusterID string, typ *catalog.ExtensionType) (string, bool, error) {
	isFlux := func(extType string) bool {
		t, err := s.Extensions.Catalog.Type(extType)
		return err == nil && t == typ
	}
	recs, err := s.Extensions.List(ctx, clusterID)
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
	obs, err := s.Extensions.Observe(ctx, clusterID)
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
