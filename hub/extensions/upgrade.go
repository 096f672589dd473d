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
	"log/slog"
)

// Refresh moves an auto-upgrading extension to the newest version the catalog offers on its
// release train, which may have changed since the hub last started.
func (k *Kind) Refresh(rec *Record) bool {
	if !rec.AutoUpgradeMinorVersion {
		return false
	}
	before := rec.Version
	if err := Resolve(k.Catalog, rec, before); err != nil {
		k.log().Warn("The extension's type or release train left the catalog; it keeps its version", "extension", rec.ID, "error", err)
		return false
	}
	if rec.Version == before {
		return false
	}
	k.log().Info("Extension auto-upgraded", "extension", rec.ID, "from", before, "to", rec.Version)
	return true
}

// log is the kind's logger, or the default one.
func (k *Kind) log() *slog.Logger {
	if k.Log == nil {
		return slog.Default()
	}
	return k.Log
}
