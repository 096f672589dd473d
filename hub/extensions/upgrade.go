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
	"log/slog"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/store"
)

// AutoUpgrade moves the cluster's auto-upgrading extensions to the newest version the catalog
// offers on their release train (it may have changed since the last start).
func AutoUpgrade(ctx context.Context, svc *Service, cat *catalog.Catalog, log *slog.Logger, cluster *store.Resource) error {
	recs, err := svc.List(ctx, cluster.ID)
	if err != nil {
		return err
	}
	var errs []error
	for _, rec := range recs {
		errs = append(errs, upgrade(ctx, svc, cat, log, cluster, rec))
	}
	return errors.Join(errs...)
}

func upgrade(ctx context.Context, svc *Service, cat *catalog.Catalog, log *slog.Logger, cluster *store.Resource, rec *Record) error {
	if !rec.AutoUpgradeMinorVersion || rec.Deleting {
		return nil
	}
	before := rec.Version
	if err := Resolve(cat, rec, before); err != nil {
		log.Warn("The extension's type or release train left the catalog; it keeps its version", "extension", rec.ID, "error", err)
		return nil
	}
	if rec.Version == before {
		return nil
	}
	rec.Phase = PhaseUpdating
	if _, err := svc.Save(ctx, cluster, rec); err != nil {
		return err
	}
	log.Info("Extension auto-upgraded", "extension", rec.ID, "from", before, "to", rec.Version)
	return nil
}
