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

package server

import (
	"context"
	"log/slog"

	"github.com/kubearc/kubearc/hub/catalog"
	"github.com/kubearc/kubearc/hub/customlocations"
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/gitops"
	"github.com/kubearc/kubearc/hub/nested"
)

// registerKinds registers the kinds of resources on a connectedCluster, once at start-up, and
// returns the extensions' service, which kinds that depend on an extension use, and the
// custom locations'; a new kind adds its line here.
func registerKinds(reg *nested.Registry, cat *catalog.Catalog, heartbeats customlocations.Heartbeats,
	resourcesOn func(context.Context, string) ([]string, error), ws extensions.WorkspaceResolver, log *slog.Logger) (*extensions.Service, *customlocations.Service) {
	ext := nested.Register(reg, &extensions.Kind{Catalog: cat, Log: log, Workspaces: ws})
	nested.Register(reg, &gitops.Kind{Catalog: cat, Extensions: ext, Log: log})
	locations := nested.Register(reg, &customlocations.Kind{Catalog: cat, Extensions: ext, Heartbeats: heartbeats, ResourcesOn: resourcesOn})
	return ext, locations
}
