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
	"errors"
	"time"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/nested"
)

// Flux comes as an extension, as in Arc: the first Flux configuration of a cluster adds it.
const (
	// FluxExtensionType is the catalog's Flux extension type.
	FluxExtensionType = "microsoft.flux"
	// FluxExtensionName is the name of the extension the hub adds, as Arc names it.
	FluxExtensionName = "flux"
)

// fluxExtension is the Flux extension the hub adds; in flux-system when the catalog names no
// release namespace.
var fluxExtension = extensions.Required{Type: FluxExtensionType, Name: FluxExtensionName,
	Fallback: "microsoft-flux", Namespace: "flux-system"}

// Creating adds the Flux extension to the cluster of a new configuration unless it has one
// (added by a user, by the hub or applied in the cluster), as Arc does. Changes do not, so
// that a user who removed Flux on purpose is not overruled.
func (k *Kind) Creating(ctx context.Context, req nested.Request, now time.Time) error {
	rec, err := fluxExtension.Ensure(ctx, k.Extensions, k.Catalog, req.Cluster, req.By, now)
	switch {
	case errors.Is(err, extensions.ErrNotInCatalog): // allowed: the operator may install Flux another way
		k.noFluxWarning.Do(func() {
			k.Log.Warn("The catalog has no Flux extension type; Flux configurations need Flux installed another way")
		})
		return nil
	case err != nil:
		return err
	case rec != nil:
		k.Log.Info("Flux extension added for the cluster's first Flux configuration", "extension", rec.ID, "version", rec.Version)
	}
	return nil
}
