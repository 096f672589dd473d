// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package policy

import (
	"context"
	"errors"
	"maps"
	"strconv"

	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// gatekeeperExtension is the extension the first assignment that reaches a cluster adds, named
// as Arc names its Azure Policy extension.
var gatekeeperExtension = extensions.Required{Type: "gatekeeper", Name: "azurepolicy", Fallback: "gatekeeper", Namespace: "gatekeeper-system",
	// Gatekeeper's audit keeps 20 violating objects per constraint by default; the hub shows
	// every one the agent reports, up to protocol.MaxPolicyViolations (docs/policy.md).
	Settings: map[string]string{"constraintViolationsLimit": strconv.Itoa(protocol.MaxPolicyViolations)}}

// hubWriter is who the hub records for what it writes on its own (a resync).
const hubWriter = "kubearc-hub"

// plan is a write's changes of the clusters' desired state.
type plan struct {
	changes []store.DesiredChange
	// related are the versions of what the changes were computed from, beyond the resource
	// the write stores.
	related map[string]string
	// first are the clusters that get their first PolicySync.
	first []*store.Resource
}

// push adds the changes that take the clusters from prev's PolicySync to next's (either may
// be nil): next's where it applies, none where only prev applied. before is the state before
// the write, to find the clusters next reaches first.
func (p *plan) push(before *state, clusters []*store.Resource, prev, next *entry) {
	for _, c := range clusters {
		switch {
		case next != nil && next.spec != nil && next.applies(c.ID):
			p.changes = append(p.changes, store.DesiredChange{ClusterID: c.ID, Kind: protocol.KindPolicySync, Name: next.name, Spec: next.spec})
			if !before.reaches(c.ID) {
				p.first = append(p.first, c)
			}
		case prev != nil && prev.applies(c.ID):
			p.changes = append(p.changes, store.DesiredChange{ClusterID: c.ID, Kind: protocol.KindPolicySync, Name: prev.name, Delete: true})
		}
	}
}

// relate adds versions to the plan's precondition.
func (p *plan) relate(versions map[string]string) {
	if p.related == nil {
		p.related = map[string]string{}
	}
	maps.Copy(p.related, versions)
}

// precondition is pre with the plan's related versions.
func (p *plan) precondition(pre store.Precondition) store.Precondition {
	for id, v := range p.related {
		pre = pre.With(id, v)
	}
	return pre
}

// addGatekeeper adds the Gatekeeper extension of the catalog to the clusters unless they have
// one, for by. A catalog without it is logged once: the operator may install Gatekeeper
// another way.
func (s *Service) addGatekeeper(ctx context.Context, clusters []*store.Resource, by string) error {
	seen := map[string]bool{}
	for _, c := range clusters {
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		rec, err := gatekeeperExtension.Ensure(ctx, s.extensions, s.catalog, c, by, s.now().UTC())
		switch {
		case errors.Is(err, extensions.ErrNotInCatalog):
			s.noGatekeeperWarning.Do(func() {
				s.log.Warn("The catalog has no Gatekeeper extension type; policy assignments need Gatekeeper installed another way")
			})
			return nil
		case err != nil:
			return err
		case rec != nil:
			s.log.Info("Gatekeeper extension added for the cluster's first policy assignment", "extension", rec.ID, "version", rec.Version)
		}
	}
	return nil
}
