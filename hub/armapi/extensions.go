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

package armapi

import (
	"github.com/kubearc/kubearc/hub/extensions"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// extensionsType serves Microsoft.KubernetesConfiguration/extensions under a connectedCluster.
type extensionsType struct {
	api *API
}

func (t *extensionsType) segment() string                { return "extensions" }
func (t *extensionsType) resourceType() string           { return extensions.ResourceType }
func (t *extensionsType) validateName(name string) error { return validateExtensionName(name) }

func (t *extensionsType) svc() *extensions.Service { return t.api.Extensions }

// id is the ARM ID of the request's extension.
func (t *extensionsType) id(nr *nestedRequest) string { return extensions.ID(nr.clusterKey(), nr.name) }

// load returns the stored extension of the request, or nil when there is none.
func (t *extensionsType) load(nr *nestedRequest) (*extensions.Record, error) {
	return t.svc().Load(nr.Context(), t.id(nr))
}

func (t *extensionsType) get(nr *nestedRequest) (int, any, error) {
	return getDoc(t.provisioned(), t.views, nr)
}

// list answers the hub's extensions, then those applied in the cluster.
func (t *extensionsType) list(nr *nestedRequest) (int, any, error) {
	return listDocs(t.svc().List, t.views, func(docs []*extensionDoc) any { return &extensionList{Value: docs} }, nr)
}

// views renders the cluster's extensions with the state the agent reported.
func (t *extensionsType) views(nr *nestedRequest) (docViews[extensions.Record, *extensions.Record, *extensionDoc], error) {
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return docViews[extensions.Record, *extensions.Record, *extensionDoc]{}, err
	}
	return docViews[extensions.Record, *extensions.Record, *extensionDoc]{
		statuses: obs.Statuses,
		render:   func(rec *extensions.Record) *extensionDoc { return renderExtension(rec, obs.View(rec)) },
		clusterOwned: func(st protocol.ObjectStatus) (*extensionDoc, bool) {
			rec, v, ok := extensions.ClusterOwned(nr.clusterKey(), st)
			if !ok {
				return nil, false
			}
			return renderExtension(rec, v), true
		},
	}, nil
}

// clusterOwnedConflict is the 409 for writing over an extension applied in the cluster.
func (t *extensionsType) clusterOwnedConflict(nr *nestedRequest) error {
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return err
	}
	if st, ok := obs.Statuses[nr.name]; ok {
		if _, _, ok := extensions.ClusterOwned(nr.clusterKey(), st); ok {
			return conflict("The extension '%s' was created in the cluster (kubectl), not through this API, and is read-only here; "+
				"change or delete its Extension resource in the cluster, or choose another name.", nr.name)
		}
	}
	return nil
}

// answer returns the extension's document as stored now, with its state.
func (t *extensionsType) answer(nr *nestedRequest, rec *extensions.Record) (*extensionDoc, error) {
	obs, err := t.svc().Observe(nr.Context(), nr.clusterKey())
	if err != nil {
		return nil, err
	}
	return renderExtension(rec, obs.View(rec)), nil
}

// touch records who changed the extension and when.
func (t *extensionsType) touch(nr *nestedRequest, rec *extensions.Record, created bool) {
	now := t.api.now()
	name := nr.principal.Name
	if created {
		rec.Audit = extensions.Audit{CreatedBy: name, CreatedByType: "User", CreatedAt: now}
	}
	rec.Audit.LastModifiedBy, rec.Audit.LastModifiedAt = name, now
}

// save stores the record with its desired state and starts a write operation.
func (t *extensionsType) save(nr *nestedRequest, rec *extensions.Record) (bool, string, error) {
	agentKey, err := extensions.AgentKey(nr.clusterRes)
	if err != nil {
		return false, "", err
	}
	created, err := t.svc().Save(nr.Context(), nr.clusterKey(), agentKey, rec)
	if err != nil {
		return false, "", err
	}
	opID, err := t.api.startOperation(nr, t.resourceType(), t.id(nr), opWrite)
	return created, opID, err
}
